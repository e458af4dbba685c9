// The lab's link emulator without root or netem: a relay on loopback that a client reaches instead
// of the server. Every byte or datagram crosses a Link (link.hpp) each way, so the client meets
// the delay, rate, queue and loss of the emulated path. TCP is ended on both sides and the bytes
// are carried; a new connection's first bytes are held one round trip, which is what TCP's
// handshake costs over the emulated path (the kernels on loopback finish it at once). UDP
// datagrams are forwarded one by one, each flow (client address) through a socket of its own.
//
// One Path (its two links) may serve several relays at once: that is one access link shared by
// every connection that crosses it. Runs on one io_context (one thread); not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>

#include "core/net/asio.hpp"
#include "lab/link.hpp"

namespace layer7::lab {

struct Path {
    Path(LinkSpec up_spec, LinkSpec down_spec, std::uint64_t seed) : up(up_spec, seed), down(down_spec, seed + 1) {}
    Link up;                        // client → server
    Link down;                      // server → client
    std::uint64_t connections = 0;  // TCP connections and UDP flows so far (each one's id)
    // Sees each piece as it reaches the far end (the lab's transcripts); empty: nothing does.
    std::function<void(Time, std::uint64_t connection, bool from_client, std::string_view bytes)> tap;
    // Told when a TCP connection is accepted (its emulated handshake starts then); empty: nobody.
    std::function<void(Time, std::uint64_t connection)> opened;
    // The round trip a new TCP connection's handshake costs on this path.
    Duration handshake() const { return up.spec().delay + down.spec().delay; }
};

// The relays' coroutines hold their state, not the relay: a relay may go while they still wind down.
class TcpRelay {
public:
    // Listens on `listen` (port 0: any) and relays each connection to `upstream` over `path`.
    TcpRelay(asio::io_context& io, const asio::ip::tcp::endpoint& listen, const asio::ip::tcp::endpoint& upstream,
             std::shared_ptr<Path> path);
    ~TcpRelay();  // stop()
    TcpRelay(const TcpRelay&) = delete;
    TcpRelay& operator=(const TcpRelay&) = delete;
    asio::ip::tcp::endpoint local() const;
    // Stops accepting and cuts the connections in flight.
    void stop();
    struct State;

private:
    std::shared_ptr<State> state_;
};

class UdpRelay {
public:
    UdpRelay(asio::io_context& io, const asio::ip::udp::endpoint& listen, const asio::ip::udp::endpoint& upstream,
             std::shared_ptr<Path> path);
    ~UdpRelay();  // stop()
    UdpRelay(const UdpRelay&) = delete;
    UdpRelay& operator=(const UdpRelay&) = delete;
    asio::ip::udp::endpoint local() const;
    void stop();
    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace layer7::lab
