// Duplex: a two-way byte stream as a protocol that took over a connection sees it — a WebSocket
// session, a CONNECT tunnel. Over HTTP/1.1 that is the whole TCP connection (StreamDuplex, after
// a 101 or a 2xx to CONNECT); over HTTP/2 it is one stream of a shared connection (RFC 8441's
// extended CONNECT, RFC 9113 §8.5's CONNECT), whose end is END_STREAM rather than a FIN.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "core/net/stream.hpp"

namespace layer7::core {

class Duplex {
public:
    virtual ~Duplex() = default;
    // What has arrived (at least one byte); {asio::error::eof, 0} once the peer ended its side.
    virtual awaitable<std::pair<std::error_code, std::size_t>> read_some(asio::mutable_buffer buffer) = 0;
    // What has arrived, without suspending: {asio::error::would_block, 0} when nothing has, or
    // when this duplex cannot tell without waiting (then read_some() is the way).
    virtual std::pair<std::error_code, std::size_t> read_now(asio::mutable_buffer)
    {
        return {asio::error::would_block, 0};
    }
    // Where read_now() works (a TCP or TLS connection), a wait that holds no buffer until it has something to
    // take, the peer ends or the timeout passes (Stream::wait_readable): an idle connection then
    // keeps no input buffer. Elsewhere waits_without_buffer() is false and read_some() waits.
    virtual bool waits_without_buffer() const { return false; }
    virtual awaitable<std::error_code> wait_readable() { co_return asio::error::operation_not_supported; }
    // All of `bytes` (not traced: the protocol on top traces its own units).
    virtual awaitable<std::error_code> write(std::string_view bytes) = 0;
    // What the connection takes of `bytes` at once, without suspending, removed from `bytes`. A
    // duplex that cannot tell without suspending takes nothing (write() is the way). An error only
    // for a real failure.
    virtual std::error_code write_now(std::string_view&) { return {}; }
    // All of several buffers, in order (a frame's head and its payload without copying them
    // together); they must stay valid until it completes. By default copied into one write().
    virtual awaitable<std::error_code> write_gather(const std::vector<asio::const_buffer>& buffers)
    {
        std::string joined;
        for (const asio::const_buffer& b : buffers)
            joined.append(static_cast<const char*>(b.data()), b.size());
        co_return co_await write(joined);
    }
    // Our side ends (FIN, END_STREAM); the peer may go on sending.
    virtual void finish_write() = 0;
    // Both sides end at once (a reset); operations in progress fail.
    virtual void abort() = 0;
    // A write stuck on a peer that does not read fails at once (on a TCP connection a read in
    // progress too); the duplex stays usable, so a last Close frame may still be tried.
    virtual void cancel_write() = 0;
    // Idle timeout for each following read and write.
    virtual void set_timeout(Stream::Clock::duration timeout) = 0;
    virtual asio::any_io_executor executor() = 0;
    // The connection's number in --trace lines, and who we are in them.
    virtual std::uint64_t trace_id() const = 0;
    virtual Role role() const = 0;
    virtual std::string peer_string() const = 0;

    Speaker us() const { return role() == Role::server ? Speaker::server : Speaker::client; }
    Speaker them() const { return role() == Role::server ? Speaker::client : Speaker::server; }
};

// A whole TCP (or TLS) connection as a Duplex.
class StreamDuplex final : public Duplex {
public:
    explicit StreamDuplex(Stream& stream) : stream_(stream) {}

    awaitable<std::pair<std::error_code, std::size_t>> read_some(asio::mutable_buffer buffer) override
    {
        return stream_.read_some(buffer);
    }
    std::pair<std::error_code, std::size_t> read_now(asio::mutable_buffer buffer) override
    {
        return stream_.read_now(buffer);
    }
    bool waits_without_buffer() const override { return true; }
    awaitable<std::error_code> wait_readable() override { return stream_.wait_readable(); }
    awaitable<std::error_code> write(std::string_view bytes) override { return stream_.write(bytes, false); }
    std::error_code write_now(std::string_view& bytes) override { return stream_.write_now(bytes); }
    awaitable<std::error_code> write_gather(const std::vector<asio::const_buffer>& buffers) override
    {
        return stream_.write_gather(buffers);
    }
    void finish_write() override
    {
        std::error_code ignored;
        stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    }
    void abort() override
    {
        std::error_code ignored;
        stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    }
    void cancel_write() override
    {
        std::error_code ignored;
        stream_.socket().cancel(ignored);
    }
    void set_timeout(Stream::Clock::duration timeout) override { stream_.set_timeout(timeout); }
    asio::any_io_executor executor() override { return stream_.socket().get_executor(); }
    std::uint64_t trace_id() const override { return stream_.id(); }
    Role role() const override { return stream_.role(); }
    std::string peer_string() const override { return stream_.peer_string(); }

private:
    Stream& stream_;
};

}  // namespace layer7::core
