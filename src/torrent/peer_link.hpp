// The byte stream under the peer wire protocol: one TCP connection, plain or under Message Stream
// Encryption (mse_handshake.hpp). open_link() runs the start of a connection — MSE or the plain
// handshake, as the dialler offers and the acceptor detects — and leaves the peer's first bytes,
// decrypted, for the WireDecoder (the acceptor sends its own handshake once the peer's has named the
// torrent, swarm_host.hpp); LinkCipher then sits between the Stream and the wire codec, RC4
// on every byte sent and received when MSE selected it. Like aria2, the dialler tries MSE first
// and, when `prefer`red, redials with the plain handshake if the peer does not speak it.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/net/stream.hpp"
#include "torrent/info_hash.hpp"
#include "torrent/rc4.hpp"

namespace layer7::torrent {

// --encryption: require (MSE with RC4 only, both ways), prefer (MSE offered and accepted, RC4
// chosen when the peer allows; the plain handshake accepted, and tried when MSE fails), off (the
// plain handshake only; MSE refused).
enum class Encryption { off, prefer, require };
std::optional<Encryption> parse_encryption(std::string_view text);

// What a connection's bytes pass through after MSE selected RC4 (nothing: plain bytes).
struct LinkCipher {
    std::optional<Rc4> send, receive;

    void on_send(std::string& bytes)
    {
        if (send)
            send->process(bytes);
    }
    void on_receive(char* data, std::size_t n)
    {
        if (receive)
            receive->process(data, n);
    }
};

struct LinkPlan {
    Encryption encryption = Encryption::prefer;
    bool dial_mse = true;           // as the dialler: this attempt begins with MSE
    InfoHash info_hash;             // dialling: SKEY, the torrent we dial for
    std::vector<InfoHash> serving;  // accepting: the torrents a peer may ask for under MSE
    std::string our_handshake;      // dialling: the 68-byte BitTorrent handshake (MSE's initial payload)
    std::chrono::steady_clock::duration deadline = std::chrono::seconds(30);  // the whole start, however slow the peer
};

struct LinkOpened {
    bool ok = false;
    bool mse_failed = false;       // we dialled with MSE and it did not complete: the plain handshake may work
    std::string why;               // not ok: for the "dropping peer" line
    std::string method;            // ok: "plain handshake", "MSE RC4", "MSE plaintext"
    std::string received;          // ok: the peer's first bytes, decrypted; its BitTorrent handshake begins here
    std::optional<InfoHash> skey;  // ok, accepted under MSE: the torrent the peer asked for
};

// Opens the connection as `stream.role()` says (client: we dialled, our handshake sent; server: ours
// not yet sent), and installs the ciphers MSE chose in `cipher`. Never throws for anything the peer sends.
core::awaitable<LinkOpened> open_link(core::Stream& stream, LinkCipher& cipher, const LinkPlan& plan);

}  // namespace layer7::torrent
