// Stream: see stream.hpp.
#include "core/net/stream.hpp"

#include "core/net/tls.hpp"
#include "core/text/host_port.hpp"

#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <optional>
#include <tuple>

namespace layer7::core {

// The watchdog of every Stream on one io_context (an asio service, so each context has its own
// and it goes away with the context). Its one timer is set to the earliest deadline it was told
// of; when it fires it fails the operations whose deadline has passed and sets itself to the next
// one. A connection thus costs no timer and no watchdog coroutine racing its session, and arming a
// deadline is a comparison in the common case (every connection with the same timeout arms a
// deadline later than the one already set). When no operation waits any more the timer is
// cancelled, or a client's io_context::run() would not return before it fired. Streams of a
// context are used from its one thread.
class IdleSweep : public asio::execution_context::service {
public:
    static asio::execution_context::id id;

    explicit IdleSweep(asio::execution_context& context) : service(context), worker_(WorkerSlots::of(context)) {}

    WorkerSlots& worker() const { return worker_; }

    void add(Stream& s)
    {
        s.sweep_next_ = head_;
        if (head_)
            head_->sweep_prev_ = &s;
        head_ = &s;
    }
    void remove(Stream& s)
    {
        if (s.armed_)
            disarmed(s);
        (s.sweep_prev_ ? s.sweep_prev_->sweep_next_ : head_) = s.sweep_next_;
        if (s.sweep_next_)
            s.sweep_next_->sweep_prev_ = s.sweep_prev_;
    }
    // `s` has a new deadline: the timer must fire no later than that.
    void armed(Stream& s)
    {
        if (!s.armed_) {
            s.armed_ = true;
            ++armed_count_;
        }
        if (waiting_ && s.deadline_ >= expiry_)
            return;
        if (!timer_)
            timer_.emplace(s.socket_.get_executor());
        wait_until(s.deadline_);
    }
    bool draining() const { return draining_; }
    void drain()
    {
        draining_ = true;
        for (Stream* s = head_; s;) {
            Stream* next = s->sweep_next_;
            if (s->drain_listener_)
                s->drain_listener_->on_drain();
            if (s->between_messages_ && s->in_progress_ > 0)
                s->drain_wait();
            s = next;
        }
    }
    // A service being replaced by a reload: its streams are told to finish (see retire_streams).
    void retire(const void* owner)
    {
        for (Stream* s = head_; s;) {
            Stream* next = s->sweep_next_;
            if (s->owner_ == owner) {
                s->retired_ = true;
                if (s->drain_listener_)
                    s->drain_listener_->on_drain();
            }
            s = next;
        }
    }
    void disarmed(Stream& s)
    {
        s.armed_ = false;
        if (--armed_count_ == 0 && waiting_) {
            waiting_ = false;
            timer_->cancel();
        }
    }

private:
    // Streams may still go after this (a parked connection's record, owned by a wait the
    // io_context destroys): they must find no timer to cancel.
    void shutdown() override
    {
        waiting_ = false;
        timer_.reset();
    }

    void wait_until(Stream::Clock::time_point when)
    {
        expiry_ = when;
        waiting_ = true;
        timer_->expires_at(when);  // a wait already pending completes with operation_aborted
        timer_->async_wait([this](std::error_code ec) {
            if (!ec)
                sweep();
        });
    }

    void sweep()
    {
        waiting_ = false;
        const auto now = Stream::Clock::now();
        auto next = Stream::Clock::time_point::max();
        for (Stream* s = head_; s; s = s->sweep_next_) {
            if (!s->armed_)
                continue;
            if (s->deadline_ > now) {
                next = std::min(next, s->deadline_);
                continue;
            }
            disarmed(*s);
            s->expire();
        }
        if (next != Stream::Clock::time_point::max())
            wait_until(next);
        else
            timer_->cancel();  // a wait started while this handler was already queued
    }

    Stream* head_ = nullptr;
    std::size_t armed_count_ = 0;
    std::optional<asio::steady_timer> timer_;
    Stream::Clock::time_point expiry_{};
    WorkerSlots& worker_;  // made before this service, so it outlives it
    bool waiting_ = false;
    bool draining_ = false;
};

asio::execution_context::id IdleSweep::id;

namespace {

// An OpenSSL call's failure as asio's TLS stream said it, so callers keep their checks: eof for
// the peer's close_notify, stream_truncated for a close without one, the system error, or the
// library's reason (its message names it: "certificate verify failed").
std::error_code tls_failure(int ssl_error, int saved_errno)
{
    if (ssl_error == SSL_ERROR_ZERO_RETURN)
        return asio::error::eof;
    const unsigned long reason = ERR_get_error();
    ERR_clear_error();
    if (ssl_error == SSL_ERROR_SYSCALL && reason == 0)
        return saved_errno ? std::error_code(saved_errno, asio::error::get_system_category())
                           : std::error_code(asio::ssl::error::stream_truncated);
    if (reason == 0 || ERR_GET_REASON(reason) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        return asio::ssl::error::stream_truncated;
    return {static_cast<int>(reason), asio::error::get_ssl_category()};
}

// Whether a read must come before a wait on the socket: OpenSSL holds bytes (a decrypted record,
// or read-ahead input that SSL_pending does not count) and its last read did not find them to be
// only a part of a record.
bool openssl_may_hold_record(SSL* ssl, bool read_dry)
{
    return !read_dry && SSL_has_pending(ssl) == 1;
}

}  // namespace

namespace {
IdleSweep& sweep_of(TcpSocket& socket)
{
    return asio::use_service<IdleSweep>(socket.get_executor().context());
}

}  // namespace

void drain_streams(asio::io_context& context)
{
    asio::use_service<IdleSweep>(context).drain();
}

void retire_streams(asio::io_context& context, const void* owner)
{
    if (owner)
        asio::use_service<IdleSweep>(context).retire(owner);
}

void Stream::set_between_messages(bool between)
{
    between_messages_ = between;
    if (between && in_progress_ > 0 && sweep_.draining())
        drain_wait();
}

bool Stream::draining() const
{
    return retired_ || sweep_.draining();
}

void Stream::drain_wait()
{
    drained_ = true;
    Trace::instance().note(id_, "server stopping");
    std::error_code ec;
    socket_.cancel(ec);  // fails the pending read with operation_aborted
}

Stream::Stream(TcpSocket socket, Role role)
    : socket_(std::move(socket)), id_(Trace::next_id()), sweep_(sweep_of(socket_)), role_(role)
{
    std::error_code ec;
    peer_ = socket_.remote_endpoint(ec);
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    opened();
}

Stream::Stream(TcpSocket socket, Role role, const asio::ip::tcp::endpoint& peer)
    : socket_(std::move(socket)), peer_(peer), id_(Trace::next_id()), sweep_(sweep_of(socket_)), role_(role)
{
    opened();
}

Stream::Stream(asio::ip::tcp::socket socket, Role role)
    : socket_(io_context_of(socket.get_executor())), id_(Trace::next_id()), sweep_(sweep_of(socket_)), role_(role)
{
    if (socket.is_open()) {
        std::error_code ec;
        peer_ = socket.remote_endpoint(ec);
        const asio::ip::tcp protocol = ec ? socket.local_endpoint(ec).protocol() : peer_.protocol();
        const int fd = socket.release(ec);
        if (!ec)
            socket_.assign(protocol, fd, ec);
        socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    }
    opened();
}

void Stream::opened()
{
    sweep_.add(*this);
    if (Trace::instance().enabled())
        Trace::instance().note(id_, (role_ == Role::server ? "connection from " : "connected to ") + peer_string());
}

Stream::~Stream()
{
    sweep_.remove(*this);
    if (Trace::instance().enabled())
        Trace::instance().note(id_, "closed");
}

std::string Stream::peer_string() const
{
    return to_string(HostPort{peer_.address().to_string(), peer_.port()});
}

awaitable<std::pair<std::error_code, std::size_t>> Stream::read_some(asio::mutable_buffer buffer)
{
    if (between_messages_ && sweep_.draining())
        co_return std::pair{std::error_code(asio::error::shut_down), std::size_t{0}};
    if (tls_)
        co_return co_await tls_call(TlsCall::read, buffer.data(), buffer.size());
    arm();
    auto [ec, n] = co_await socket_.async_read_some(buffer, use_tuple);
    co_return std::pair{finish_wait(ec), n};
}

std::pair<std::error_code, std::size_t> Stream::read_now(asio::mutable_buffer buffer)
{
    if (tls_) {
        ERR_clear_error();
        std::size_t n = 0;
        if (SSL_read_ex(tls_.get(), buffer.data(), buffer.size(), &n) == 1) {
            timed_out_ = false;
            tls_read_dry_ = false;
            tls_wants_write_ = false;
            return {std::error_code{}, n};
        }
        const int error = SSL_get_error(tls_.get(), 0);
        tls_wants_write_ = error == SSL_ERROR_WANT_WRITE;
        tls_read_dry_ = error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE;
        if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE)
            return {asio::error::would_block, 0};
        return {tls_failure(error, errno), 0};
    }
    const ssize_t n = ::recv(socket_.native_handle(), buffer.data(), buffer.size(), MSG_DONTWAIT);
    if (n > 0) {
        timed_out_ = false;
        return {std::error_code{}, static_cast<std::size_t>(n)};
    }
    if (n == 0)
        return {asio::error::eof, 0};
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return {asio::error::would_block, 0};
    return {std::error_code(errno, asio::error::get_system_category()), 0};
}

char* Stream::worker_input() const
{
    return sweep_.worker().input();
}

WorkerSlots& Stream::worker() const
{
    return sweep_.worker();
}

awaitable<std::error_code> Stream::wait_readable()
{
    if (between_messages_ && sweep_.draining())
        co_return asio::error::shut_down;
    if (tls_ && openssl_may_hold_record(tls_.get(), tls_read_dry_))
        co_return std::error_code{};  // read_now first
    arm();
    auto [ec] = co_await socket_.async_wait(
        tls_wants_write_ ? asio::socket_base::wait_write : asio::socket_base::wait_read, use_tuple);
    co_return finish_wait(ec);
}

std::error_code Stream::finish_wait(std::error_code ec)
{
    disarm();
    if (ec && timed_out_)
        ec = asio::error::timed_out;
    else if (ec && drained_)
        ec = asio::error::shut_down;
    drained_ = false;
    return ec;
}

std::optional<std::error_code> Stream::begin_park()
{
    if (sweep_.draining())
        return asio::error::shut_down;
    if (tls_ && openssl_may_hold_record(tls_.get(), tls_read_dry_))
        return std::error_code{};
    between_messages_ = true;
    arm();
    return std::nullopt;
}

std::error_code Stream::end_park(std::error_code ec)
{
    between_messages_ = false;
    return finish_wait(ec);
}

std::error_code Stream::send_now(std::string_view& bytes, int flags)
{
    const ssize_t n = ::send(socket_.native_handle(), bytes.data(), bytes.size(), flags | MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n >= 0)
        bytes.remove_prefix(static_cast<std::size_t>(n));
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
        return {errno, asio::error::get_system_category()};
    return {};
}

awaitable<std::error_code> Stream::write(std::string_view bytes, bool text)
{
    if (text)
        Trace::instance().block(id_, us(), bytes);
    if (!tls_) {
        // Most writes fit in the socket buffer at once: one send(2) here spares the asio operation
        // and its trip through the scheduler; only what is left (or EAGAIN) goes the asio way.
        if (auto ec = send_now(bytes, 0))
            co_return ec;
        if (bytes.empty()) {
            timed_out_ = false;  // as after any operation that did not time out
            co_return std::error_code{};
        }
    }
    if (tls_)
        co_return co_await tls_write_all(bytes.data(), bytes.size());
    arm();
    auto [ec, ignored] = co_await asio::async_write(socket_, asio::buffer(bytes), use_tuple);
    disarm();
    if (ec && timed_out_)
        ec = asio::error::timed_out;
    co_return ec;
}

awaitable<std::error_code> Stream::write_gather(const std::vector<asio::const_buffer>& all)
{
    constexpr std::size_t max_gather = 64;  // iovecs tried at once
    const std::vector<asio::const_buffer>* buffers = &all;
    std::vector<asio::const_buffer> rest;
    if (!tls_) {
        // As write(): one sendmsg(2) first, the asio operation only for what the socket did not take.
        const std::size_t count = std::min<std::size_t>(all.size(), max_gather);
        iovec iov[max_gather];
        std::size_t total = 0;
        for (std::size_t i = 0; i < count; ++i) {
            iov[i] = iovec{const_cast<void*>(all[i].data()), all[i].size()};
            total += all[i].size();
        }
        msghdr message{};
        message.msg_iov = iov;
        message.msg_iovlen = count;
        const ssize_t n = ::sendmsg(socket_.native_handle(), &message, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            co_return std::error_code(errno, asio::error::get_system_category());
        std::size_t sent = n > 0 ? static_cast<std::size_t>(n) : 0;
        if (sent == total && count == all.size()) {
            timed_out_ = false;
            co_return std::error_code{};
        }
        for (const asio::const_buffer& b : all) {
            if (sent >= b.size()) {
                sent -= b.size();
                continue;
            }
            rest.push_back(b + sent);
            sent = 0;
        }
        buffers = &rest;
    }
    if (tls_) {
        for (const asio::const_buffer& b : all)
            if (auto ec = co_await tls_write_all(static_cast<const char*>(b.data()), b.size()))
                co_return ec;
        co_return std::error_code{};
    }
    arm();
    auto [ec, ignored] = co_await asio::async_write(socket_, *buffers, use_tuple);
    disarm();
    if (ec && timed_out_)
        ec = asio::error::timed_out;
    co_return ec;
}

awaitable<std::error_code> Stream::send_file(int fd, std::uint64_t offset, std::uint64_t length,
                                             std::string_view prefix)
{
    if (!prefix.empty()) {
        if (!tls_) {
            // Most of the time the head fits in the socket buffer at once; MSG_MORE lets the
            // kernel merge it with the file's first bytes instead of sending a small packet.
            if (auto ec = send_now(prefix, MSG_MORE))
                co_return ec;
        }
        if (!prefix.empty())
            if (auto ec = co_await write(prefix, false))
                co_return ec;
    }
    if (tls_) {
        std::vector<char> buffer(std::min<std::uint64_t>(length, 256 * 1024));
        while (length > 0) {
            const ssize_t n =
                ::pread(fd, buffer.data(), std::min<std::uint64_t>(length, buffer.size()), static_cast<off_t>(offset));
            if (n <= 0)
                co_return n == 0 ? std::make_error_code(std::errc::io_error)
                                 : std::error_code(errno, std::generic_category());
            const std::vector<asio::const_buffer> piece{asio::buffer(buffer.data(), static_cast<std::size_t>(n))};
            if (auto ec = co_await write_gather(piece))
                co_return ec;
            offset += static_cast<std::uint64_t>(n);
            length -= static_cast<std::uint64_t>(n);
        }
        co_return std::error_code{};
    }
    // sendfile(2) below must not block. Sockets from our acceptor, and any that asio has used
    // asynchronously, already are non-blocking; setting it again would cost an ioctl per file.
    if (!socket_.native_non_blocking()) {
        std::error_code ec;
        socket_.native_non_blocking(true, ec);
        if (ec)
            co_return ec;
    }
    off_t off = static_cast<off_t>(offset);
    while (length > 0) {
        const ssize_t n = ::sendfile(socket_.native_handle(), fd, &off, std::min<std::uint64_t>(length, 1u << 30));
        if (n > 0) {
            length -= static_cast<std::uint64_t>(n);
            continue;
        }
        if (n == 0)
            co_return std::make_error_code(std::errc::io_error);  // the file shrank under us
        if (errno == EINTR)
            continue;
        if (errno != EAGAIN)
            co_return std::error_code(errno, std::generic_category());
        arm();
        auto [wait_ec] = co_await socket_.async_wait(asio::ip::tcp::socket::wait_write, use_tuple);
        disarm();
        if (wait_ec)
            co_return timed_out_ ? asio::error::timed_out : wait_ec;
    }
    co_return std::error_code{};
}

void Stream::FreeSsl::operator()(SSL* ssl) const
{
    SSL_free(ssl);
}

std::error_code Stream::attach_tls(asio::ssl::context& context)
{
    // OpenSSL writes with write(2), which raises SIGPIPE on a connection the peer has reset (asio
    // sends with MSG_NOSIGNAL): a program with TLS streams takes EPIPE as an error instead.
    static const bool sigpipe_ignored = std::signal(SIGPIPE, SIG_IGN) != SIG_ERR;
    (void)sigpipe_ignored;
    tls_.reset(SSL_new(context.native_handle()));  // holds its own reference to the context
    if (!tls_)
        return tls_failure(SSL_ERROR_SSL, 0);
    std::error_code ec;
    if (!socket_.native_non_blocking())  // OpenSSL's reads and writes must not block
        socket_.native_non_blocking(true, ec);
    if (ec)
        return ec;
    if (SSL_set_fd(tls_.get(), socket_.native_handle()) != 1)
        return tls_failure(SSL_ERROR_SSL, 0);
    // A write that blocked is tried again with what is left (the caller's buffer may move); an
    // idle connection gives its record buffers back.
    SSL_set_mode(tls_.get(),
                 SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
    // One read(2) takes what has arrived, not a record header and then its body.
    SSL_set_read_ahead(tls_.get(), 1);
    return {};
}

awaitable<std::pair<std::error_code, std::size_t>> Stream::tls_call(TlsCall call, void* data, std::size_t size)
{
    SSL* const ssl = tls_.get();
    for (;;) {
        ERR_clear_error();
        std::size_t done = 0;
        int result = 0;
        switch (call) {
        case TlsCall::read: result = SSL_read_ex(ssl, data, size, &done); break;
        case TlsCall::write: result = SSL_write_ex(ssl, data, size, &done); break;
        case TlsCall::handshake: result = SSL_do_handshake(ssl); break;
        case TlsCall::shutdown:
            // 0: our close_notify is out. The peer's is not waited for (RFC 8446 §6.1 lets us close).
            result = SSL_shutdown(ssl) >= 0 ? 1 : -1;
            break;
        }
        if (result > 0) {
            timed_out_ = false;
            if (call == TlsCall::read)
                tls_read_dry_ = false;
            co_return std::pair{std::error_code{}, done};
        }
        const int error = SSL_get_error(ssl, result);
        if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE)
            co_return std::pair{tls_failure(error, errno), std::size_t{0}};
        arm();
        auto [ec] = co_await socket_.async_wait(
            error == SSL_ERROR_WANT_READ ? asio::socket_base::wait_read : asio::socket_base::wait_write, use_tuple);
        if (ec = finish_wait(ec); ec)
            co_return std::pair{ec, std::size_t{0}};
    }
}

awaitable<std::error_code> Stream::tls_write_all(const char* data, std::size_t size)
{
    while (size > 0) {
        auto [ec, n] = co_await tls_call(TlsCall::write, const_cast<char*>(data), size);
        if (ec)
            co_return ec;
        data += n;
        size -= n;
    }
    co_return std::error_code{};
}

awaitable<std::error_code> Stream::start_tls_server(asio::ssl::context& context)
{
    std::error_code ec = attach_tls(context);
    if (!ec) {
        SSL_set_accept_state(tls_.get());
        std::tie(ec, std::ignore) = co_await tls_call(TlsCall::handshake, nullptr, 0);
    }
    Trace::instance().note(
        id_, ec ? "TLS handshake failed: " + ec.message() : "TLS established (" + std::string(tls_version()) + ")");
    co_return ec;
}

awaitable<std::error_code> Stream::start_tls_client(asio::ssl::context& context, const std::string& server_name)
{
    std::error_code ec = attach_tls(context);
    if (!ec) {
        SSL* const ssl = tls_.get();
        SSL_set_connect_state(ssl);
        if (!server_name.empty()) {
            SSL_set_tlsext_host_name(ssl, server_name.c_str());  // SNI
            if (SSL_get_verify_mode(ssl) != SSL_VERIFY_NONE) {
                // The certificate must name the server: an address literal as an IP entry.
                std::error_code not_address;
                asio::ip::make_address(server_name, not_address);
                const int named = not_address ? SSL_set1_host(ssl, server_name.c_str())
                                              : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server_name.c_str());
                if (named != 1)
                    ec = tls_failure(SSL_ERROR_SSL, 0);
            }
        }
    }
    if (!ec)
        std::tie(ec, std::ignore) = co_await tls_call(TlsCall::handshake, nullptr, 0);
    Trace::instance().note(
        id_, ec ? "TLS handshake failed: " + ec.message() : "TLS established (" + std::string(tls_version()) + ")");
    co_return ec;
}

awaitable<std::string> Stream::start_tls_client(const std::string& ca_file, bool insecure,
                                                const std::string& server_name)
{
    std::shared_ptr<asio::ssl::context> context;
    try {
        context = make_client_tls(ca_file, insecure);
    } catch (const std::exception& e) {
        co_return std::string("TLS: ") + e.what();
    }
    if (auto ec = co_await start_tls_client(*context, server_name))
        co_return "TLS: " + ec.message();
    co_return std::string();
}

awaitable<void> Stream::shutdown()
{
    if (tls_) {
        timeout_ = std::chrono::seconds(2);  // a peer that takes nothing must not hold us
        co_await tls_call(TlsCall::shutdown, nullptr, 0);
    }
    // close(2) alone sends the FIN (or the RST when unread input is left, as it would after a
    // shutdown(2) too): the socket is ours alone, so a shutdown first would only cost a call.
    std::error_code ec;
    socket_.close(ec);
}

std::string_view Stream::alpn() const
{
    if (!tls_)
        return {};
    const unsigned char* name = nullptr;
    unsigned int length = 0;
    SSL_get0_alpn_selected(tls_.get(), &name, &length);
    return {reinterpret_cast<const char*>(name), length};
}

std::string_view Stream::tls_version() const
{
    return tls_ ? SSL_get_version(tls_.get()) : "";
}

void Stream::set_timeout(Clock::duration timeout)
{
    using Stored = decltype(timeout_);
    // from the next operation on
    timeout_ = std::chrono::duration_cast<Stored>(std::clamp<Clock::duration>(timeout, {}, Stored::max()));
}

void Stream::watch()
{
    sweep_.armed(*this);
}

void Stream::unwatch()
{
    sweep_.disarmed(*this);
}

void Stream::expire()
{
    timed_out_ = true;
    Trace::instance().note(id_, "idle timeout");
    std::error_code ec;
    socket_.cancel(ec);  // fails the pending read or write with operation_aborted
}

}  // namespace layer7::core
