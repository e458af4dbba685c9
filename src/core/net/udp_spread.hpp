// How a UDP port's datagrams are shared among the workers' SO_REUSEPORT sockets. By default the
// kernel hashes the sender's address and port, so one busy sender (a resolver forwarding to us,
// a load balancer, dnsperf's single socket) is served by one worker however many there are.
// spread_by_first_word() attaches a classic BPF program to the group that picks the socket by the
// payload's first 16 bits instead — a DNS message's id, which a sender varies per query.
#pragma once

#include <system_error>

#include "core/net/asio.hpp"

namespace layer7::core {

// `member`: any bound socket of the group; `group_size`: how many sockets the group has (datagram
// with first word w goes to the (w mod group_size)-th socket that joined). Shorter datagrams go to
// the first socket. A group that has more sockets for a while (a reload's overlap) still works:
// the kernel only ever sees indexes below group_size.
std::error_code spread_by_first_word(asio::ip::udp::socket& member, unsigned group_size);

}  // namespace layer7::core
