// UdpBatch: datagrams in and replies out, a batch per system call (recvmmsg/sendmmsg, as NSD and
// Knot do), for UDP servers that answer many small queries (the DNS server and resolver).
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <span>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace layer7::core {

struct UdpBatch {
    static constexpr std::size_t size = 32;
    static constexpr std::size_t slot_bytes = 4096;  // a query is far smaller; a longer one is cut

    std::vector<std::uint8_t> in = std::vector<std::uint8_t>(size * slot_bytes);
    std::array<sockaddr_storage, size> peers{};
    std::array<mmsghdr, size> received{};
    std::array<iovec, size> received_iov{};
    std::array<std::vector<std::uint8_t>, size> replies;  // reused: no allocation per reply
    std::array<std::size_t, size> reply_peer{};           // which peer each queued reply goes to
    std::array<mmsghdr, size> sent{};
    std::array<iovec, size> sent_iov{};
    std::size_t pending = 0;  // replies queued

    std::uint8_t* slot(std::size_t i) { return in.data() + i * slot_bytes; }
};

socklen_t length_of(const sockaddr_storage& peer);
// Receives into slots [first, size) without waiting; the number received (0 if none).
std::size_t receive_batch(int fd, UdpBatch& b, std::size_t first);
// Sends every queued reply; one the kernel refuses (or a full buffer) is dropped, as UDP may.
void send_batch(int fd, UdpBatch& b);

// Sends one datagram to every peer, a batch of sendmmsg per system call (a relay fanning a packet
// out to its readers). A full socket buffer drops the rest, as UDP may; returns how many were sent.
std::size_t send_to_all(int fd, std::span<const std::uint8_t> datagram, std::span<const sockaddr_storage> peers);

}  // namespace layer7::core
