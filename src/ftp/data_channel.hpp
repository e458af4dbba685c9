// Data connections (RFC 959 §3.2-3.3): passive listeners in a port range, accepting only the
// control connection's peer; active connects; and moving file bytes over them (sendfile when plain,
// LF↔CRLF for TYPE A). Used by the server and the client alike.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <system_error>

#include "core/net/stream.hpp"

namespace layer7::ftp {

using Tcp = asio::ip::tcp;
using Progress = std::function<void(std::uint64_t bytes_so_far)>;

// A listener on `address` with a port in [low, high] (both 0: any), starting at `cursor` so
// concurrent sessions spread over the range. nullopt when every port is taken.
std::optional<Tcp::acceptor> open_listener(const asio::any_io_executor& executor, const asio::ip::address& address,
                                           std::uint16_t low, std::uint16_t high, std::atomic<unsigned>& cursor);
// The first connection from `expected_peer` (others are closed at once: RFC 2577 §4, data port
// theft), or an error after `timeout`.
core::awaitable<std::pair<std::error_code, Tcp::socket>> accept_from(Tcp::acceptor& acceptor,
                                                                     const asio::ip::address& expected_peer,
                                                                     std::chrono::steady_clock::duration timeout);
// Connects to `target` from `local` (port 0), within `timeout`.
core::awaitable<std::pair<std::error_code, Tcp::socket>> connect_to(const Tcp::endpoint& target,
                                                                    const asio::ip::address& local,
                                                                    std::chrono::steady_clock::duration timeout);

struct Moved {
    std::error_code network;  // the data connection failed or went idle
    std::error_code local;    // reading or writing the file failed (ENOSPC included)
    std::uint64_t bytes = 0;  // file bytes moved
};

// Sends `length` bytes of `fd` from `offset`; ascii turns each bare LF into CRLF. `progress`, when
// given, hears the running count (a pointer, not a std::function temporary: GCC 12 coroutines).
core::awaitable<Moved> send_file(core::Stream& data, int fd, std::uint64_t offset, std::uint64_t length, bool ascii,
                                 const Progress* progress = nullptr);
// Sends bytes held in memory (a listing).
core::awaitable<Moved> send_bytes(core::Stream& data, std::string_view bytes);
// Writes everything until the peer closes into `fd` at its current position; ascii turns CRLF into LF.
core::awaitable<Moved> receive_file(core::Stream& data, int fd, bool ascii, const Progress* progress = nullptr);
// Everything until the peer closes, in memory (a listing), up to `max` bytes.
core::awaitable<std::pair<std::error_code, std::string>> receive_all(core::Stream& data, std::size_t max);

// True for the ways a peer ends a data stream: EOF, or TLS without close_notify.
bool is_end_of_stream(const std::error_code& ec);

}  // namespace layer7::ftp
