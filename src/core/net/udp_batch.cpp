// UdpBatch: see udp_batch.hpp.
#include "core/net/udp_batch.hpp"

#include <algorithm>
#include <cerrno>

namespace layer7::core {

socklen_t length_of(const sockaddr_storage& peer)
{
    return peer.ss_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
}

std::size_t receive_batch(int fd, UdpBatch& b, bool wait)
{
    for (std::size_t i = 0; i < b.size; ++i) {
        b.received_iov[i] = {b.slot(i), b.slot_bytes};
        b.received[i].msg_hdr = {};
        b.received[i].msg_hdr.msg_name = &b.peers[i];
        b.received[i].msg_hdr.msg_namelen = sizeof(sockaddr_storage);
        b.received[i].msg_hdr.msg_iov = &b.received_iov[i];
        b.received[i].msg_hdr.msg_iovlen = 1;
    }
    int n;
    do
        n = ::recvmmsg(fd, b.received.data(), static_cast<unsigned>(b.size), wait ? MSG_WAITFORONE : MSG_DONTWAIT,
                       nullptr);
    while (n < 0 && errno == EINTR);
    return n < 0 ? 0 : static_cast<std::size_t>(n);
}

void send_batch(int fd, UdpBatch& b)
{
    for (std::size_t i = 0; i < b.pending; ++i) {
        b.sent_iov[i] = {b.replies[i].data(), b.replies[i].size()};
        b.sent[i].msg_hdr = {};
        b.sent[i].msg_hdr.msg_name = &b.peers[b.reply_peer[i]];
        b.sent[i].msg_hdr.msg_namelen = length_of(b.peers[b.reply_peer[i]]);
        b.sent[i].msg_hdr.msg_iov = &b.sent_iov[i];
        b.sent[i].msg_hdr.msg_iovlen = 1;
    }
    std::size_t done = 0;
    while (done < b.pending) {
        int n = ::sendmmsg(fd, &b.sent[done], static_cast<unsigned>(b.pending - done), MSG_DONTWAIT);
        if (n > 0)
            done += static_cast<std::size_t>(n);
        else if (n < 0 && errno == EINTR)
            continue;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;  // socket buffer full: the clients will retry
        else
            ++done;  // this one cannot be sent (unreachable, bad address): skip it
    }
    b.pending = 0;
}

awaitable<void> serve_batches(asio::ip::udp::socket& socket, UdpBatch& b, std::function<void(std::size_t)> answer)
{
    const int fd = socket.native_handle();
    for (;;) {
        auto [ec] = co_await socket.async_wait(asio::ip::udp::socket::wait_read, use_tuple);
        if (ec == asio::error::operation_aborted || !socket.is_open())
            co_return;
        for (int round = 0; round < 8; ++round) {
            const std::size_t got = receive_batch(fd, b);
            if (got == 0)
                break;  // drained, or an error the receive consumed (an ICMP report on the socket)
            answer(got);
            send_batch(fd, b);
            if (got < UdpBatch::size)
                break;  // the queue was empty: wait (a queue that filled meanwhile wakes us at once)
        }
    }
}

void serve_batches_blocking(int fd, UdpBatch& b, const std::atomic<bool>& stopping,
                            const std::function<void(std::size_t)>& answer)
{
    for (;;) {
        const std::size_t got = receive_batch(fd, b, /*wait=*/true);
        // A shut-down socket reads as empty datagrams from then on: nothing of them is answered.
        if (stopping.load(std::memory_order_acquire))
            return;
        if (got == 0) {
            if (errno == EBADF || errno == ENOTSOCK || errno == EINVAL || errno == EFAULT)
                return;  // not a receiving socket: there is nothing to wait for
            continue;    // an error the receive consumed (an ICMP report on the socket)
        }
        answer(got);
        send_batch(fd, b);
    }
}

std::size_t send_to_all(int fd, std::span<const std::uint8_t> datagram, std::span<const sockaddr_storage> peers)
{
    constexpr std::size_t batch = 64;
    std::array<mmsghdr, batch> messages{};
    iovec iov{const_cast<std::uint8_t*>(datagram.data()), datagram.size()};  // the kernel only reads it
    std::size_t sent = 0;
    for (std::size_t first = 0; first < peers.size(); first += batch) {
        const std::size_t n = std::min(batch, peers.size() - first);
        for (std::size_t i = 0; i < n; ++i) {
            messages[i].msg_hdr = {};
            messages[i].msg_hdr.msg_name = const_cast<sockaddr_storage*>(&peers[first + i]);
            messages[i].msg_hdr.msg_namelen = length_of(peers[first + i]);
            messages[i].msg_hdr.msg_iov = &iov;
            messages[i].msg_hdr.msg_iovlen = 1;
        }
        std::size_t done = 0;
        while (done < n) {
            int r = ::sendmmsg(fd, &messages[done], static_cast<unsigned>(n - done), MSG_DONTWAIT);
            if (r > 0)
                done += static_cast<std::size_t>(r);
            else if (r < 0 && errno == EINTR)
                continue;
            else if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                return sent + done;  // buffer full: the rest are lost
            else
                ++done;  // unreachable peer: skip it
        }
        sent += n;
    }
    return sent;
}

}  // namespace layer7::core
