// One sender, several SO_REUSEPORT sockets: with the program attached, each datagram goes to the
// socket its first 16 bits name (mod the group's size), not all to the one the sender hashes to.
// Real sockets on loopback.
#include "core/net/udp_spread.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace layer7::core {
namespace {

void join_group(asio::ip::udp::socket& s, std::uint16_t port)
{
    s.open(asio::ip::udp::v4());
    int one = 1;
    ASSERT_EQ(::setsockopt(s.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one), 0);
    s.bind({asio::ip::make_address_v4("127.0.0.1"), port});
}

// The first words that arrive on each socket until `expected` datagrams came in all, or 5 s passed.
std::array<std::vector<std::uint16_t>, 2> receive_all(std::array<asio::ip::udp::socket*, 2> group, std::size_t expected)
{
    std::array<std::vector<std::uint16_t>, 2> got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (got[0].size() + got[1].size() < expected && std::chrono::steady_clock::now() < deadline) {
        std::array<pollfd, 2> fds{{{group[0]->native_handle(), POLLIN, 0}, {group[1]->native_handle(), POLLIN, 0}}};
        if (::poll(fds.data(), fds.size(), 100) <= 0)
            continue;
        for (std::size_t i = 0; i < 2; ++i) {
            std::array<std::uint8_t, 64> buffer{};
            while (::recv(fds[i].fd, buffer.data(), buffer.size(), MSG_DONTWAIT) > 0)
                got[i].push_back(static_cast<std::uint16_t>(buffer[0] << 8 | buffer[1]));
        }
    }
    return got;
}

TEST(UdpSpread, OneSendersDatagramsGoByTheirFirstWord)
{
    asio::io_context io;
    asio::ip::udp::socket first(io), second(io), sender(io);
    join_group(first, 0);
    join_group(second, first.local_endpoint().port());
    ASSERT_FALSE(spread_by_first_word(first, 2));

    sender.open(asio::ip::udp::v4());
    const std::uint16_t ids[] = {0, 1, 2, 3, 0x1234, 0xfffe, 0xffff, 7};
    for (std::uint16_t id : ids) {
        const std::array<std::uint8_t, 12> query{static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
        sender.send_to(asio::buffer(query), first.local_endpoint());
    }
    const auto got = receive_all({&first, &second}, std::size(ids));
    EXPECT_EQ(got[0], (std::vector<std::uint16_t>{0, 2, 0x1234, 0xfffe}));
    EXPECT_EQ(got[1], (std::vector<std::uint16_t>{1, 3, 0xffff, 7}));
}

TEST(UdpSpread, AShortDatagramGoesToTheFirstSocket)
{
    asio::io_context io;
    asio::ip::udp::socket first(io), second(io), sender(io);
    join_group(first, 0);
    join_group(second, first.local_endpoint().port());
    ASSERT_FALSE(spread_by_first_word(second, 2));  // set on any member, it serves the group

    sender.open(asio::ip::udp::v4());
    const std::array<std::uint8_t, 1> one_byte{0xff};
    sender.send_to(asio::buffer(one_byte), first.local_endpoint());
    const std::array<std::uint8_t, 2> odd{0x00, 0x01};
    sender.send_to(asio::buffer(odd), first.local_endpoint());
    const auto got = receive_all({&first, &second}, 2);
    ASSERT_EQ(got[0].size(), 1u);
    EXPECT_EQ(got[1], (std::vector<std::uint16_t>{1}));
}

TEST(UdpSpread, AnEmptyGroupSizeIsRefused)
{
    asio::io_context io;
    asio::ip::udp::socket s(io);
    join_group(s, 0);
    EXPECT_EQ(spread_by_first_word(s, 0), std::errc::invalid_argument);
}

}  // namespace
}  // namespace layer7::core
