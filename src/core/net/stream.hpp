// Stream: one TCP connection, plain or TLS, that can switch to TLS mid-stream (STARTTLS, AUTH TLS).
// TLS is OpenSSL on the socket's own descriptor (SSL_set_fd): it reads and writes the socket
// itself, and an operation that would block waits for the socket as OpenSSL asks. So no buffer
// sits between the socket and OpenSSL (asio's TLS stream kept four of 17 KiB per connection), and
// with SSL_MODE_RELEASE_BUFFERS an idle TLS connection holds no record buffer either.
// Operations are coroutines returning std::error_code. Every read and write has a deadline: one
// watchdog per io_context (IdleSweep, in stream.cpp) cancels the operation when the peer is idle
// too long, so a connection needs no timer or watchdog coroutine of its own. One read and one
// write may be in progress at once (HTTP/2 reads frames while it sends); the deadline then runs
// from the latest start of either, and only fires when neither has made progress for so long.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <asio/ssl.hpp>

#include "core/net/asio.hpp"
#include "core/net/coarse_clock.hpp"
#include "core/net/worker_slots.hpp"
#include "core/trace/trace.hpp"

namespace layer7::core {

enum class Role : std::uint8_t { server, client };  // which side we are: decides "S:" or "C:" in the trace

class IdleSweep;

// Begins the drain on this io_context (its thread only): every stream waiting between messages
// stops waiting, and later waits between messages end at once. See Stream::set_between_messages.
void drain_streams(asio::io_context& context);

// A reload replaced the service `owner` (see Stream::set_owner): its streams on this io_context
// (its thread only) say draining() from now on and their drain listeners are told, so each ends
// at its next message boundary (HTTP/1.1: Connection: close; HTTP/2: GOAWAY). Unlike a stop, waits
// between messages are not cut: a keep-alive client's next request is still answered.
void retire_streams(asio::io_context& context, const void* owner);

// Told when the server begins to drain, whatever its stream is doing: a protocol with exchanges in
// flight on one connection (HTTP/2) announces its goodbye at once and lets them finish.
class DrainListener {
public:
    virtual void on_drain() = 0;

protected:
    ~DrainListener() = default;
};

class Stream {
public:
    using Clock = std::chrono::steady_clock;

    Stream(TcpSocket socket, Role role);
    // A socket from Runtime::listen_tcp: its peer as accept(2) gave it, TCP_NODELAY inherited
    // from the listener; saves two system calls per connection.
    Stream(TcpSocket socket, Role role, const asio::ip::tcp::endpoint& peer);
    // A socket on the type-erased executor (a client's connect) is moved onto a TcpSocket: two
    // system calls (out of epoll and back in), once per connection.
    Stream(asio::ip::tcp::socket socket, Role role);
    Stream(Stream&&) = delete;
    ~Stream();

    // Reads what is available (at least one byte). {error, 0} on close, timeout or failure.
    awaitable<std::pair<std::error_code, std::size_t>> read_some(asio::mutable_buffer buffer);
    // How a server holds an idle connection without an input buffer of its own (nginx's way):
    // read_now takes what has arrived without suspending ({would_block, 0} when nothing has), and
    // wait_readable waits, with no buffer, until something arrives, the peer closes, the timeout
    // passes or a drain ends a wait between messages. So one buffer per worker serves every
    // connection of a worker: it is filled and emptied before the next suspension. Through TLS the
    // same: read_now decrypts what has arrived, and wait_readable waits for what OpenSSL needs.
    std::pair<std::error_code, std::size_t> read_now(asio::mutable_buffer buffer);
    awaitable<std::error_code> wait_readable();
    // wait_readable with no coroutine: how a server parks an idle connection between messages
    // so that nothing of it but its socket and a small record stays alive. Like wait_readable it
    // needs no read_now before it: bytes that have already arrived end the wait at once. Calls
    // `then(ec)` once: with no error when something arrived or the peer closed, with timed_out
    // when the peer is idle past the timeout, with shut_down when a drain ends the wait. `then`
    // may own this stream; when the io_context goes first, it is destroyed without a call.
    template <class Then>
    void when_readable(Then then)
    {
        if (const std::optional<std::error_code> at_once = begin_park()) {
            asio::post(socket_.get_executor(),
                       [then = std::move(then), ec = *at_once]() mutable { std::move(then)(ec); });
            return;
        }
        socket_.async_wait(tls_wants_write_ ? asio::socket_base::wait_write : asio::socket_base::wait_read,
                           [this, then = std::move(then)](std::error_code ec) mutable {
                               ec = end_park(ec);
                               std::move(then)(ec);
                           });
    }
    // That buffer, the worker's (WorkerSlots::input, worker_input_size bytes), for read_now.
    char* worker_input() const;
    static constexpr std::size_t worker_input_size = WorkerSlots::input_size;
    // The state of the worker (io_context) this stream runs on.
    WorkerSlots& worker() const;
    // Writes all of `bytes`; traces them as protocol text when `text` is set.
    awaitable<std::error_code> write(std::string_view bytes, bool text = true);
    // On plain TCP, sends what the socket buffer takes of `bytes` at once, without suspending, and
    // removes it from `bytes` (not traced); nothing through TLS. An error only for a real failure.
    // For a caller whose writes mostly fit: it skips the coroutine write() is.
    std::error_code write_now(std::string_view& bytes) { return tls_ ? std::error_code{} : send_now(bytes, 0); }
    // Writes several buffers in one go (scatter/gather); not traced.
    awaitable<std::error_code> write_gather(const std::vector<asio::const_buffer>& buffers);
    // Sends `prefix` (e.g. a response head) and then `length` bytes of file `fd` from `offset`:
    // on plain TCP the prefix goes with MSG_MORE and the file with sendfile(2) (zero-copy, full
    // packets); through TLS, read + write.
    awaitable<std::error_code> send_file(int fd, std::uint64_t offset, std::uint64_t length,
                                         std::string_view prefix = {});

    // TLS on the open connection: at accept (implicit TLS) or after STARTTLS.
    awaitable<std::error_code> start_tls_server(asio::ssl::context& context);
    awaitable<std::error_code> start_tls_client(asio::ssl::context& context, const std::string& server_name);
    // A client's STARTTLS with a context made here (core::make_client_tls: verified against
    // `ca_file` or the system store, not at all when `insecure`): "" or why it failed ("TLS: …").
    // The handshake holds its own reference to the context, so none is kept.
    awaitable<std::string> start_tls_client(const std::string& ca_file, bool insecure, const std::string& server_name);
    bool is_tls() const { return tls_ != nullptr; }
    // The TLS version ("TLSv1.3"), or "" on plain TCP.
    std::string_view tls_version() const;
    // The protocol ALPN chose in the TLS handshake ("h2", "http/1.1"), or "" without one.
    std::string_view alpn() const;
    // Sends close_notify (when TLS) and closes the socket.
    awaitable<void> shutdown();

    // Idle timeout for each following read and write.
    void set_timeout(Clock::duration timeout);
    Clock::duration timeout() const { return timeout_; }
    // True when the last operation failed because the peer was idle past the timeout. The
    // connection stays open, so a protocol can still say why it closes (HTTP 408, SMTP 421).
    bool timed_out() const { return timed_out_; }
    // Between messages (an HTTP keep-alive wait, an SMTP command wait): a stop that drains the
    // server ends such a wait at once, and a read begun in it while draining fails at once,
    // with asio::error::shut_down. Transfers in flight are not between messages and finish.
    void set_between_messages(bool between);
    // The server is stopping, or a reload replaced the service that accepted this stream: finish
    // what is in flight, start nothing new (no keep-alive).
    bool draining() const;
    // The service that accepted this stream (Runtime::owner() when it started), for retire_streams.
    void set_owner(const void* owner) { owner_ = owner; }
    // Tells `listener` (null: nobody) when the drain begins; it must outlive the stream or be unset.
    void set_drain_listener(DrainListener* listener) { drain_listener_ = listener; }
    TcpSocket& socket() { return socket_; }
    const asio::ip::tcp::endpoint& peer() const { return peer_; }
    std::string peer_string() const;
    std::uint64_t id() const { return id_; }
    Role role() const { return role_; }
    Speaker us() const { return role_ == Role::server ? Speaker::server : Speaker::client; }
    Speaker them() const { return role_ == Role::server ? Speaker::client : Speaker::server; }

private:
    friend class IdleSweep;

    // The deadline only runs while an operation waits on the peer, so slow local work
    // (fsync, an upstream lookup) never counts as the peer's idleness.
    void arm()
    {
        ++in_progress_;
        deadline_ = coarse_deadline(timeout_);
        timed_out_ = false;
        watch();
    }
    void disarm()  // timed_out_ keeps telling why the operation failed
    {
        if (--in_progress_ == 0 && armed_)
            unwatch();
    }
    void opened();  // the constructors' common end: joins the sweep, says so in the trace
    // After a read or wait on the peer: disarms, and says a timeout or drain as such.
    std::error_code finish_wait(std::error_code ec);
    // Around a when_readable wait: begin_park answers at once when there is nothing to wait for
    // (shut_down while draining, success when OpenSSL may hold a record), else arms the wait;
    // end_park says its error as wait_readable does.
    std::optional<std::error_code> begin_park();
    std::error_code end_park(std::error_code ec);
    // TLS: OpenSSL on our descriptor with this context's settings; an error if it cannot start.
    std::error_code attach_tls(asio::ssl::context& context);
    enum class TlsCall : std::uint8_t { read, write, handshake, shutdown };
    // One OpenSSL call, repeated after waiting for the socket as OpenSSL asks (under the
    // timeout), until it is done (the bytes read or written) or fails.
    awaitable<std::pair<std::error_code, std::size_t>> tls_call(TlsCall call, void* data, std::size_t size);
    awaitable<std::error_code> tls_write_all(const char* data, std::size_t size);
    // One non-blocking send(2) of what the socket buffer takes (plain TCP); removes the sent part
    // from `bytes`. Only a real failure is an error: EAGAIN just leaves `bytes` as it was.
    std::error_code send_now(std::string_view& bytes, int flags);
    void watch();       // armed_ = true, and tells the sweep about the new deadline
    void unwatch();     // armed_ = false, and tells the sweep
    void expire();      // the deadline passed: fail the pending operation
    void drain_wait();  // the server drains and this stream waits between messages: end the wait

    TcpSocket socket_;
    struct FreeSsl {
        void operator()(SSL* ssl) const;
    };
    std::unique_ptr<SSL, FreeSsl> tls_;  // before socket_ goes: SSL_free does not close the descriptor
    asio::ip::tcp::endpoint peer_;
    // Milliseconds (49 days at most): 4 bytes here beside the 28 of peer_, where a duration would
    // add 8 — the fields are ordered, and the flags packed, so that an idle connection (HTTP keeps
    // one parked per keep-alive client) costs as few bytes as can be.
    std::chrono::duration<std::uint32_t, std::milli> timeout_ = std::chrono::seconds(300);
    std::uint64_t id_;
    Clock::time_point deadline_ = Clock::time_point::max();
    const void* owner_ = nullptr;
    DrainListener* drain_listener_ = nullptr;
    IdleSweep& sweep_;
    Stream* sweep_prev_ = nullptr;  // the sweep's list of its io_context's streams
    Stream* sweep_next_ = nullptr;
    Role role_;
    std::uint8_t in_progress_ = 0;  // operations waiting on the peer: a read, a write, or both
    bool armed_ : 1 = false;
    bool timed_out_ : 1 = false;
    bool between_messages_ : 1 = false;
    bool drained_ : 1 = false;          // the pending read was ended by the drain
    bool tls_wants_write_ : 1 = false;  // read_now's SSL_read must write first (a TLS 1.3 key update)
    // The last SSL_read found no whole record: what OpenSSL holds (read ahead) is a part of one,
    // so a wait on the socket is right. Otherwise a wait returns at once if OpenSSL holds bytes.
    bool tls_read_dry_ : 1 = false;
    bool retired_ : 1 = false;  // its service was replaced (retire_streams)
};

}  // namespace layer7::core
