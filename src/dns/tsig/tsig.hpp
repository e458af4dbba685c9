// TSIG (RFC 8945): keys, and signing and verifying messages as raw wire, since the MAC covers the
// exact octets sent. No I/O and no clock (the caller passes the time); outside the pure folders only
// for OpenSSL's HMAC. One TsigSession follows one exchange,
// including the many messages of a zone transfer (§5.3.1: each later message is signed over the
// previous MAC, the messages since, and the timers only).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "dns/wire/name.hpp"
#include "dns/wire/types.hpp"

namespace layer7::dns {

inline constexpr std::uint16_t tsig_type = 250;
inline constexpr std::uint16_t default_fudge = 300;  // seconds (RFC 8945 §10)

enum class TsigAlgorithm { hmac_md5, hmac_sha1, hmac_sha224, hmac_sha256, hmac_sha384, hmac_sha512 };

// "hmac-sha256" (with or without the trailing dot), or "hmac-md5.sig-alg.reg.int"; case-insensitive.
std::optional<TsigAlgorithm> parse_tsig_algorithm(std::string_view text);
Name algorithm_name(TsigAlgorithm algorithm);
std::size_t mac_size(TsigAlgorithm algorithm);

struct TsigKey {
    Name name;
    TsigAlgorithm algorithm = TsigAlgorithm::hmac_sha256;
    std::vector<std::uint8_t> secret;
};

// nsupdate -y's form "[ALGORITHM:]NAME:BASE64"; the algorithm defaults to hmac-sha256.
core::Result<TsigKey, std::string> parse_tsig_key(std::string_view spec);
// A BIND key file as tsig-keygen writes it: key "NAME" { algorithm ALG; secret "BASE64"; }; …
core::Result<std::vector<TsigKey>, std::string> parse_key_file(std::string_view text);

// TSIG's own error codes, carried in the record (RFC 8945 §3); the header says NOTAUTH.
enum class TsigError : std::uint16_t { none = 0, bad_sig = 16, bad_key = 17, bad_time = 18, bad_trunc = 22 };
std::string to_text(TsigError error);

struct TsigRecord {
    Name key, algorithm;
    std::uint64_t time_signed = 0;  // 48 bits, seconds since the epoch
    std::uint16_t fudge = default_fudge;
    std::vector<std::uint8_t> mac;
    std::uint16_t original_id = 0;
    TsigError error = TsigError::none;
    std::vector<std::uint8_t> other;
};

// Where a message's TSIG record starts, when its last additional record is one.
struct TsigLocation {
    std::size_t offset = 0;  // of the record's owner name
    TsigRecord record;
};
// nullopt when the message has no TSIG; an error when it has one that is malformed or not last.
core::Result<std::optional<TsigLocation>, std::string> find_tsig(std::span<const std::uint8_t> wire);

// The outcome of checking a signed request.
struct TsigCheck {
    TsigError error = TsigError::none;
    const TsigKey* key = nullptr;  // the key that signed it, when known
    TsigRecord record;
    bool ok() const { return error == TsigError::none; }
};

class TsigSession {
public:
    // A server verifying a request: the key is looked up by name in `keys`; BADKEY when it is
    // unknown or its algorithm differs, BADSIG when the MAC is wrong, BADTIME when `now` is
    // outside the fudge. The request must contain a TSIG (see find_tsig).
    static TsigCheck verify_request(std::span<const std::uint8_t> wire, const TsigLocation& tsig,
                                    std::span<const TsigKey> keys, std::uint64_t now, TsigSession& session);

    TsigSession() = default;
    explicit TsigSession(const TsigKey& key) : key_(&key) {}  // the key must outlive the session

    // Appends a TSIG record to `wire` (a complete message without one) and bumps ARCOUNT. The
    // first message of a reply covers the request's MAC; later ones the previous MAC and timers.
    // With BADKEY or BADSIG the record carries no MAC (§5.3.2); BADTIME carries our time.
    void sign(std::vector<std::uint8_t>& wire, std::uint64_t now, TsigError error = TsigError::none);
    // A later message of a reply sent without a TSIG: the next signature covers it too.
    void skip(std::span<const std::uint8_t> wire);
    // A client checking one message of a reply (the first against the request's MAC).
    TsigError verify_reply(std::span<const std::uint8_t> wire, std::uint64_t now);

private:
    std::vector<std::uint8_t> mac(std::span<const std::uint8_t> digest) const;

    const TsigKey* key_ = nullptr;
    Name key_name_, algorithm_name_;               // a request's, for an unsigned error reply
    std::vector<std::uint8_t> previous_mac_;       // the request's, then each signed message's
    bool replying_ = false;                        // a request has been signed or verified
    bool later_ = false;                           // past the first message of the reply
    std::vector<std::uint8_t> unsigned_messages_;  // received since the last signed one
    unsigned unsigned_count_ = 0;
};

}  // namespace layer7::dns
