// TSIG (RFC 8945): see tsig.hpp. The MAC is HMAC (RFC 2104) from OpenSSL over the digest
// components of §4.3.3.
#include "dns/tsig/tsig.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>

#include "core/bytes/base64.hpp"
#include "core/bytes/wire_reader.hpp"
#include "core/bytes/wire_writer.hpp"
#include "core/text/ascii.hpp"
#include "dns/wire/compression.hpp"

namespace layer7::dns {
namespace {

struct AlgorithmInfo {
    TsigAlgorithm algorithm;
    std::string_view name;  // without the trailing dot
    std::size_t size;
    const EVP_MD* (*digest)();
};

constexpr AlgorithmInfo algorithms[] = {
    {TsigAlgorithm::hmac_md5, "hmac-md5.sig-alg.reg.int", 16, EVP_md5},
    {TsigAlgorithm::hmac_sha1, "hmac-sha1", 20, EVP_sha1},
    {TsigAlgorithm::hmac_sha224, "hmac-sha224", 28, EVP_sha224},
    {TsigAlgorithm::hmac_sha256, "hmac-sha256", 32, EVP_sha256},
    {TsigAlgorithm::hmac_sha384, "hmac-sha384", 48, EVP_sha384},
    {TsigAlgorithm::hmac_sha512, "hmac-sha512", 64, EVP_sha512},
};

const AlgorithmInfo& info(TsigAlgorithm a)
{
    return algorithms[static_cast<std::size_t>(a)];
}

// The name's wire form in lower case (RFC 4034 §6.2); length octets are at most 63, below 'A'.
std::string canonical_wire(const Name& name)
{
    std::string wire(name.wire());
    for (auto& c : wire)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return wire;
}

void put_u48(core::WireWriter& w, std::uint64_t v)
{
    w.u16(static_cast<std::uint16_t>(v >> 32));
    w.u32(static_cast<std::uint32_t>(v));
}

// The TSIG variables of §4.3.3 (all of them, or only the timers of §5.3.1).
void put_variables(core::WireWriter& w, const TsigRecord& r, bool timers_only)
{
    if (!timers_only) {
        w.bytes(canonical_wire(r.key));
        w.u16(static_cast<std::uint16_t>(RrClass::any));
        w.u32(0);
        w.bytes(canonical_wire(r.algorithm));
    }
    put_u48(w, r.time_signed);
    w.u16(r.fudge);
    if (!timers_only) {
        w.u16(static_cast<std::uint16_t>(r.error));
        w.u16(static_cast<std::uint16_t>(r.other.size()));
        w.bytes(r.other);
    }
}

void put_mac_prefix(core::WireWriter& w, std::span<const std::uint8_t> mac)
{
    w.u16(static_cast<std::uint16_t>(mac.size()));
    w.bytes(mac);
}

// The message as it was before the TSIG was added: original id, ARCOUNT one less.
void put_unsigned_message(core::WireWriter& w, std::span<const std::uint8_t> wire, std::size_t tsig_offset,
                          std::uint16_t original_id)
{
    const std::size_t start = w.size();
    w.bytes(wire.first(tsig_offset));
    w.patch_u16(start, original_id);
    const std::uint16_t arcount = static_cast<std::uint16_t>(wire[10] << 8 | wire[11]);
    w.patch_u16(start + 10, static_cast<std::uint16_t>(arcount - 1));
}

std::uint64_t distance(std::uint64_t a, std::uint64_t b)
{
    return a > b ? a - b : b - a;
}

// Checks a received MAC against the digest, in constant time.
TsigError check_mac(const std::vector<std::uint8_t>& expected, const std::vector<std::uint8_t>& received)
{
    if (received.size() != expected.size())
        return received.size() < expected.size() ? TsigError::bad_trunc : TsigError::bad_sig;
    return CRYPTO_memcmp(expected.data(), received.data(), expected.size()) == 0 ? TsigError::none : TsigError::bad_sig;
}

// The tokens of a BIND config file: words, quoted strings and the punctuation { } ;
std::vector<std::string> bind_tokens(std::string_view text)
{
    std::vector<std::string> tokens;
    std::size_t i = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '#' || text.substr(i, 2) == "//") {
            i = std::min(text.find('\n', i), text.size());
        } else if (text.substr(i, 2) == "/*") {
            const auto end = text.find("*/", i + 2);
            i = end == std::string_view::npos ? text.size() : end + 2;
        } else if (c == '{' || c == '}' || c == ';') {
            tokens.emplace_back(1, c);
            ++i;
        } else if (c == '"') {
            const auto end = text.find('"', i + 1);
            if (end == std::string_view::npos)
                return {};
            tokens.emplace_back(text.substr(i + 1, end - i - 1));
            i = end + 1;
        } else {
            std::size_t j = i;
            while (j < text.size() && !std::isspace(static_cast<unsigned char>(text[j])) &&
                   std::string_view("{};\"").find(text[j]) == std::string_view::npos)
                ++j;
            tokens.emplace_back(text.substr(i, j - i));
            i = j;
        }
    }
    return tokens;
}

core::Result<TsigKey, std::string> make_key(std::string_view name, std::string_view algorithm, std::string_view secret)
{
    auto parsed_name = Name::parse(name);
    if (!parsed_name || parsed_name.value().is_root())
        return core::fail("'" + std::string(name) + "' is not a key name");
    auto alg = parse_tsig_algorithm(algorithm);
    if (!alg)
        return core::fail("unknown TSIG algorithm '" + std::string(algorithm) + "'");
    auto bytes = core::base64_decode(secret);
    if (!bytes || bytes->empty())
        return core::fail("the secret of key '" + std::string(name) + "' is not base64");
    return TsigKey{std::move(parsed_name).value(), *alg, std::move(*bytes)};
}

}  // namespace

std::optional<TsigAlgorithm> parse_tsig_algorithm(std::string_view text)
{
    if (!text.empty() && text.back() == '.')
        text.remove_suffix(1);
    if (core::iequals(text, "hmac-md5"))
        return TsigAlgorithm::hmac_md5;
    for (const auto& a : algorithms)
        if (core::iequals(text, a.name))
            return a.algorithm;
    return std::nullopt;
}

Name algorithm_name(TsigAlgorithm algorithm)
{
    return Name::parse(std::string(info(algorithm).name) + ".").value();
}

std::size_t mac_size(TsigAlgorithm algorithm)
{
    return info(algorithm).size;
}

core::Result<TsigKey, std::string> parse_tsig_key(std::string_view spec)
{
    const auto last = spec.rfind(':');
    if (last == std::string_view::npos)
        return core::fail(std::string("a key is [ALGORITHM:]NAME:SECRET"));
    const std::string_view secret = spec.substr(last + 1), rest = spec.substr(0, last);
    const auto first = rest.find(':');
    if (first == std::string_view::npos)
        return make_key(rest, "hmac-sha256", secret);
    return make_key(rest.substr(first + 1), rest.substr(0, first), secret);
}

core::Result<std::vector<TsigKey>, std::string> parse_key_file(std::string_view text)
{
    const auto tokens = bind_tokens(text);
    std::vector<TsigKey> keys;
    std::size_t i = 0;
    auto at = [&](std::size_t k) -> std::string_view { return k < tokens.size() ? tokens[k] : std::string_view(); };
    while (i < tokens.size()) {
        if (at(i) != "key" || at(i + 2) != "{")
            return core::fail(std::string("expected: key \"NAME\" { algorithm ALG; secret \"BASE64\"; };"));
        const std::string name(at(i + 1));
        std::string algorithm, secret;
        i += 3;
        while (i < tokens.size() && at(i) != "}") {
            if (at(i + 2) != ";")
                return core::fail("key " + name + ": expected ';' after " + std::string(at(i)));
            if (at(i) == "algorithm")
                algorithm = at(i + 1);
            else if (at(i) == "secret")
                secret = at(i + 1);
            else
                return core::fail("key " + name + ": unknown clause '" + std::string(at(i)) + "'");
            i += 3;
        }
        if (at(i) != "}" || at(i + 1) != ";")
            return core::fail("key " + name + ": expected '};'");
        i += 2;
        auto key = make_key(name, algorithm.empty() ? "hmac-sha256" : algorithm, secret);
        if (!key)
            return core::fail(key.error());
        keys.push_back(std::move(key).value());
    }
    if (keys.empty())
        return core::fail(std::string("no key in the file"));
    return keys;
}

std::string to_text(TsigError error)
{
    switch (error) {
    case TsigError::none: return "NOERROR";
    case TsigError::bad_sig: return "BADSIG";
    case TsigError::bad_key: return "BADKEY";
    case TsigError::bad_time: return "BADTIME";
    case TsigError::bad_trunc: return "BADTRUNC";
    }
    return "TSIG error " + std::to_string(static_cast<unsigned>(error));
}

core::Result<std::optional<TsigLocation>, std::string> find_tsig(std::span<const std::uint8_t> wire)
{
    core::WireReader r(wire);
    if (wire.size() < 12)
        return core::fail(std::string("shorter than a header"));
    r.skip(4);
    const std::uint16_t qd = r.u16(), an = r.u16(), ns = r.u16(), ar = r.u16();
    const DecodeLimits limits;
    for (unsigned i = 0; i < qd; ++i) {
        if (!read_name(r, limits))
            return core::fail(std::string("bad question"));
        r.skip(4);
    }
    const unsigned records = unsigned{an} + ns + ar;
    for (unsigned i = 0; i < records; ++i) {
        const std::size_t offset = r.position();
        auto owner = read_name(r, limits);
        if (!owner || !r.ok())
            return core::fail(std::string("bad record"));
        const std::uint16_t type = r.u16();
        r.skip(6);
        const std::uint16_t length = r.u16();
        if (type != tsig_type) {
            r.skip(length);
            if (!r.ok())
                return core::fail(std::string("record past the end"));
            continue;
        }
        if (i + 1 != records || ar == 0)
            return core::fail(std::string("TSIG is not the last record"));
        const std::size_t end = r.position() + length;
        TsigLocation loc;
        loc.offset = offset;
        loc.record.key = std::move(owner).value();
        auto algorithm = read_name(r, limits);
        if (!algorithm)
            return core::fail(std::string("bad TSIG algorithm name"));
        loc.record.algorithm = std::move(algorithm).value();
        loc.record.time_signed = std::uint64_t{r.u16()} << 32;
        loc.record.time_signed |= r.u32();
        loc.record.fudge = r.u16();
        auto mac = r.bytes(r.u16());
        loc.record.mac.assign(mac.begin(), mac.end());
        loc.record.original_id = r.u16();
        loc.record.error = static_cast<TsigError>(r.u16());
        auto other = r.bytes(r.u16());
        loc.record.other.assign(other.begin(), other.end());
        if (!r.ok() || r.position() != end || !r.at_end())
            return core::fail(std::string("malformed TSIG record"));
        return std::optional<TsigLocation>(std::move(loc));
    }
    return std::optional<TsigLocation>();
}

std::vector<std::uint8_t> TsigSession::mac(std::span<const std::uint8_t> digest) const
{
    std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
    unsigned int size = 0;
    static const unsigned char empty = 0;
    const auto& secret = key_->secret;
    HMAC(info(key_->algorithm).digest(), secret.empty() ? &empty : secret.data(), static_cast<int>(secret.size()),
         digest.data(), digest.size(), out.data(), &size);
    out.resize(size);
    return out;
}

TsigCheck TsigSession::verify_request(std::span<const std::uint8_t> wire, const TsigLocation& tsig,
                                      std::span<const TsigKey> keys, std::uint64_t now, TsigSession& session)
{
    TsigCheck check;
    check.record = tsig.record;
    session = TsigSession();
    session.key_name_ = tsig.record.key;
    session.algorithm_name_ = tsig.record.algorithm;
    session.replying_ = true;
    for (const auto& key : keys)
        if (key.name == tsig.record.key && algorithm_name(key.algorithm) == tsig.record.algorithm)
            check.key = &key;
    if (!check.key) {
        check.error = TsigError::bad_key;
        return check;
    }
    session.key_ = check.key;
    core::WireWriter digest;
    put_unsigned_message(digest, wire, tsig.offset, tsig.record.original_id);
    put_variables(digest, tsig.record, false);
    check.error = check_mac(session.mac(digest.buffer()), tsig.record.mac);
    if (check.error != TsigError::none) {
        session.key_ = nullptr;  // an unsigned error reply (§5.3.2)
        return check;
    }
    session.previous_mac_ = tsig.record.mac;
    if (distance(now, tsig.record.time_signed) > tsig.record.fudge)
        check.error = TsigError::bad_time;
    return check;
}

void TsigSession::sign(std::vector<std::uint8_t>& wire, std::uint64_t now, TsigError error)
{
    TsigRecord r;
    r.key = key_ ? key_->name : key_name_;
    r.algorithm = key_ ? algorithm_name(key_->algorithm) : algorithm_name_;
    r.time_signed = now;
    r.original_id = static_cast<std::uint16_t>(wire[0] << 8 | wire[1]);
    r.error = error;
    if (error == TsigError::bad_time)
        r.other = {static_cast<std::uint8_t>(now >> 40), static_cast<std::uint8_t>(now >> 32),
                   static_cast<std::uint8_t>(now >> 24), static_cast<std::uint8_t>(now >> 16),
                   static_cast<std::uint8_t>(now >> 8),  static_cast<std::uint8_t>(now)};
    const bool unsigned_error = error == TsigError::bad_key || error == TsigError::bad_sig || !key_;
    if (!unsigned_error) {
        core::WireWriter digest;
        if (replying_)
            put_mac_prefix(digest, previous_mac_);
        digest.bytes(unsigned_messages_);
        digest.bytes(wire);
        put_variables(digest, r, later_);
        r.mac = mac(digest.buffer());
        previous_mac_ = r.mac;
        unsigned_messages_.clear();
        if (replying_)
            later_ = true;  // the next message of this reply signs over timers only
        else
            replying_ = true;  // a request: its reply is verified against this MAC
    }
    core::WireWriter out;
    out.bytes(canonical_wire(r.key));
    out.u16(tsig_type);
    out.u16(static_cast<std::uint16_t>(RrClass::any));
    out.u32(0);
    const std::size_t length_at = out.size();
    out.u16(0);
    out.bytes(canonical_wire(r.algorithm));
    put_u48(out, r.time_signed);
    out.u16(r.fudge);
    put_mac_prefix(out, r.mac);
    out.u16(r.original_id);
    out.u16(static_cast<std::uint16_t>(r.error));
    out.u16(static_cast<std::uint16_t>(r.other.size()));
    out.bytes(r.other);
    out.patch_u16(length_at, static_cast<std::uint16_t>(out.size() - length_at - 2));
    const std::uint16_t arcount = static_cast<std::uint16_t>((wire[10] << 8 | wire[11]) + 1);
    wire[10] = static_cast<std::uint8_t>(arcount >> 8);
    wire[11] = static_cast<std::uint8_t>(arcount);
    wire.insert(wire.end(), out.buffer().begin(), out.buffer().end());
}

void TsigSession::skip(std::span<const std::uint8_t> wire)
{
    unsigned_messages_.insert(unsigned_messages_.end(), wire.begin(), wire.end());
}

TsigError TsigSession::verify_reply(std::span<const std::uint8_t> wire, std::uint64_t now)
{
    auto found = find_tsig(wire);
    if (!found || !found.value()) {
        // §5.3.1: after the first, up to 99 messages may go unsigned; they count in the next digest.
        if (!later_ || unsigned_count_ >= 99)
            return TsigError::bad_sig;
        ++unsigned_count_;
        skip(wire);
        return TsigError::none;
    }
    const TsigLocation& tsig = *found.value();
    if (!(tsig.record.key == key_->name) || !(tsig.record.algorithm == algorithm_name(key_->algorithm)))
        return TsigError::bad_key;
    if (tsig.record.error != TsigError::none)
        return tsig.record.error;
    core::WireWriter digest;
    put_mac_prefix(digest, previous_mac_);
    digest.bytes(unsigned_messages_);
    put_unsigned_message(digest, wire, tsig.offset, tsig.record.original_id);
    put_variables(digest, tsig.record, later_);
    if (auto error = check_mac(mac(digest.buffer()), tsig.record.mac); error != TsigError::none)
        return error;
    if (distance(now, tsig.record.time_signed) > tsig.record.fudge)
        return TsigError::bad_time;
    previous_mac_ = tsig.record.mac;
    unsigned_messages_.clear();
    unsigned_count_ = 0;
    later_ = true;
    return TsigError::none;
}

}  // namespace layer7::dns
