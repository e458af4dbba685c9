// Message Stream Encryption / Protocol Encryption (MSE/PE, the Vuze wiki's "Message Stream
// Encryption" that Azureus, µTorrent, libtorrent, Transmission and aria2 speak): a Diffie-Hellman
// exchange, then RC4 keyed from the shared secret and the info-hash, under the BitTorrent handshake
// and messages. The handshake as a sans-I/O state machine: feed() the peer's bytes, send what
// take_output() gives; once done(), the selected method, the ciphers and the peer's first payload
// bytes (already decrypted). Randomness (the private key, the padding) is passed in (pure).
//
//   1 A->B: Ya, PadA
//   2 B->A: Yb, PadB
//   3 A->B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
//           ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
//   4 B->A: ENCRYPT(VC, crypto_select, len(PadD), PadD), ENCRYPT2(payload stream)
//   5 A->B: ENCRYPT2(payload stream)
//
// A is the initiator (who dialled), B the receiver. HASH is SHA-1, SKEY the info-hash, VC 8 zero
// bytes, ENCRYPT RC4 with the first 1024 bytes of keystream discarded, keyed by
// HASH('keyA', S, SKEY) for what A sends and HASH('keyB', S, SKEY) for what B sends; ENCRYPT2 is
// the selected method: RC4 going on with the same keystreams, or plaintext. The pads are random,
// 0..512 bytes, so each side finds where the other's step begins by searching for a value only the
// holder of S can make: B for HASH('req1', S) at most 512 bytes after Ya (a 628-byte window from
// the start), A for ENCRYPT(VC) at most 512 bytes after Yb.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "torrent/info_hash.hpp"
#include "torrent/rc4.hpp"

namespace layer7::torrent {

inline constexpr std::uint32_t crypto_plaintext = 0x01;  // crypto_provide / crypto_select bits
inline constexpr std::uint32_t crypto_rc4 = 0x02;
inline constexpr std::size_t mse_max_pad = 512;  // PadA..PadD: "a random number of bytes, 0 to 512"

enum class MseError {
    bad_public_key,    // Y is not a usable public key (0, 1, P-1 or over P)
    no_sync,           // HASH('req1', S) (B) or ENCRYPT(VC) (A) not within 512 bytes of padding
    unknown_torrent,   // req2 ^ req3 names no torrent we serve
    bad_vc,            // the decrypted VC is not 8 zero bytes
    no_common_method,  // crypto_provide offers nothing we accept
    bad_select,        // crypto_select is not exactly one of the methods we offered
    pad_too_long,      // len(PadC) or len(PadD) over 512
};
std::string_view to_string(MseError e);

// Whether a connection's first bytes are the plain BitTorrent handshake (19, "BitTorrent
// protocol") rather than MSE's Ya; nullopt while too few have arrived to tell.
std::optional<bool> starts_plain_handshake(std::string_view first_bytes);

class MseHandshake {
public:
    // A, who dialled: SKEY is the torrent's info-hash; `provide` is crypto_provide; the initial
    // payload (IA, at most 65535 bytes: the BitTorrent handshake) goes encrypted with step 3.
    // `private_key` is 160 random bits; `pad` is PadA, 0..512 random bytes.
    static MseHandshake initiator(const InfoHash& skey, std::uint32_t provide, std::string initial_payload,
                                  std::string private_key, std::string pad);
    // B, who accepted: finds the torrent among `skeys`; selects RC4 when offered and in `accept`,
    // else plaintext when offered and in `accept`.
    static MseHandshake receiver(std::vector<InfoHash> skeys, std::uint32_t accept, std::string private_key,
                                 std::string pad);

    // The peer's bytes as they arrive. After done(), more bytes only add to the payload.
    void feed(std::string_view bytes);
    // Bytes to send now (may be empty).
    std::string take_output();
    bool done() const { return state_ == State::done; }
    std::optional<MseError> error() const { return error_; }
    // Once done: crypto_rc4 or crypto_plaintext; the torrent (B: the one the peer asked for).
    std::uint32_t method() const { return method_; }
    const InfoHash& skey() const { return skey_; }
    // Once done: what the peer sent after the handshake, decrypted (B: its IA first).
    std::string take_payload() { return std::exchange(payload_, {}); }
    // Once done with RC4 selected: the keystreams for everything sent and received from here on.
    std::optional<Rc4> take_send_cipher() { return std::exchange(send_, std::nullopt); }
    std::optional<Rc4> take_receive_cipher() { return std::exchange(receive_, std::nullopt); }

private:
    enum class State {
        await_y,       // both: the peer's 96-byte public key
        await_req1,    // B: searching for HASH('req1', S)
        await_req2,    // B: HASH('req2', SKEY) xor HASH('req3', S), VC, crypto_provide, len(PadC)
        await_pad_c,   // B: PadC, len(IA)
        await_ia,      // B: IA
        await_vc,      // A: searching for ENCRYPT(VC)
        await_select,  // A: crypto_select, len(PadD)
        await_pad_d,   // A: PadD
        done,
        failed,
    };
    MseHandshake() = default;
    bool step();  // one state's work on in_; false when it needs more bytes or is finished
    void fail(MseError e);
    void key(bool initiator, const InfoHash& skey);  // the two RC4 keystreams from S and SKEY
    void finish();                                   // the rest of in_ is payload; plaintext drops the ciphers

    bool initiator_ = false;
    State state_ = State::await_y;
    std::optional<MseError> error_;
    std::string private_key_, secret_;  // x and S
    std::vector<InfoHash> skeys_;
    InfoHash skey_;
    std::uint32_t methods_ = 0;  // A: crypto_provide; B: what it accepts
    std::uint32_t method_ = 0;
    std::string initial_payload_;  // A's IA, until step 3 goes
    std::string pad_;              // PadA or PadB
    std::string in_, out_, payload_;
    std::string vc_pattern_;    // A: ENCRYPT(VC), as B's keystream makes it
    std::size_t pad_left_ = 0;  // PadC or PadD bytes still to skip
    std::size_t ia_length_ = 0;
    std::optional<Rc4> send_, receive_;
};

}  // namespace layer7::torrent
