// HTTP/2 connection shell: see h2_connection.hpp.
//
// Three kinds of coroutine share one connection, all on its one thread: the reader (this
// function's own loop) feeds the session and spawns a coroutine per request; those run the
// handler, then pull the reply's source into a bounded buffer the session drains as the client's
// windows allow; the writer sends whatever the session has to say. Signals (a timer set to
// "never", cancelled to wake) connect them; nothing blocks and nothing buffers without bound.
#include "http/server/h2_connection.hpp"

#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include <spdlog/spdlog.h>

#include "core/net/coarse_clock.hpp"
#include "core/net/signal.hpp"
#include "http/h2/server_session.hpp"
#include "http/server/finish.hpp"
#include "http/server/spare_storage.hpp"

namespace layer7::http {

namespace {

constexpr std::size_t write_batch = 64 * 1024;   // frames gathered into one write
constexpr std::size_t source_ahead = 64 * 1024;  // a reply source is pulled this far ahead of the window
// A DATA payload this big that lies in memory (a cached file) goes from there in a gathered write
// rather than being copied into the batch; a smaller one costs less copied than as an iovec.
constexpr std::size_t min_borrowed = 4096;

std::optional<std::uint64_t> content_length(const Request& request)
{
    const auto value = request.fields.get("content-length");
    std::uint64_t n = 0;
    if (!value || std::from_chars(value->data(), value->data() + value->size(), n).ec != std::errc{})
        return std::nullopt;
    return n;
}

class H2Connection;

// Stream blocks of one size, kept for reuse by every HTTP/2 connection of a worker. Streams come
// and go in bursts (a client with 100 requests in flight), more than glibc's per-thread cache
// keeps of one size (7), so each went through malloc's slow path; a worker reuses its own instead.
class StreamBlocks {
public:
    StreamBlocks() = default;
    StreamBlocks(const StreamBlocks&) = delete;
    ~StreamBlocks()
    {
        for (void* b : free_)
            ::operator delete(b);
    }
    void* take(std::size_t n)
    {
        if (n != size_ || free_.empty())
            return ::operator new(n);
        void* b = free_.back();
        free_.pop_back();
        return b;
    }
    void give(void* b, std::size_t n)
    {
        if (size_ == 0)
            size_ = n;
        if (n == size_ && free_.size() < max_kept)
            free_.push_back(b);
        else
            ::operator delete(b);
    }

private:
    static constexpr std::size_t max_kept = 256;  // a worker's busiest moment, about 300 KB at most
    std::vector<void*> free_;
    std::size_t size_ = 0;
};
const core::WorkerKey<StreamBlocks> stream_blocks_key;

// allocate_shared's allocator: the stream and its shared_ptr count in one block from the pool.
template <class T>
struct StreamAllocator {
    using value_type = T;
    explicit StreamAllocator(StreamBlocks& p) : pool(&p) {}
    template <class U>
    StreamAllocator(const StreamAllocator<U>& other) : pool(other.pool)
    {
    }
    T* allocate(std::size_t n) { return static_cast<T*>(pool->take(n * sizeof(T))); }
    void deallocate(T* p, std::size_t n) { pool->give(p, n * sizeof(T)); }
    template <class U>
    bool operator==(const StreamAllocator<U>& other) const
    {
        return pool == other.pool;
    }
    StreamBlocks* pool;
};

// One request/response exchange. The session pulls the reply through OutBody::pull.
struct H2Stream final : h2::OutBody {
    H2Stream(H2Connection& c, std::int32_t i, const asio::any_io_executor& ex, SpareStorage& s)
        : connection(c), id(i), spare(s), body_ready(ex), room(ex)
    {
    }
    ~H2Stream() override
    {
        spare.give(std::move(request.fields));
        spare.give(std::move(reply.response.fields));
        spare.give(std::move(reply.body));
    }

    Pulled pull(std::uint8_t* buffer, std::size_t max) override;
    Pulled pull_parts(std::span<const std::span<std::uint8_t>> parts) override;
    std::optional<Lent> lend(std::size_t max) override;

    H2Connection& connection;
    std::int32_t id;
    SpareStorage& spare;  // the worker's: this stream's storage goes back there
    Request request;
    RequestContext context;
    std::chrono::system_clock::time_point wall;

    // The request body as it arrives; `handed` bytes were given to the handler and are credited
    // back to the client (WINDOW_UPDATE) when it asks for the next chunk.
    std::string body_in, body_out;
    std::uint64_t body_total = 0;
    std::size_t handed = 0;
    bool body_end = false;
    bool body_too_large = false;
    bool body_abandoned = false;  // the handler answered without reading it all: drop the rest
    core::Signal body_ready;

    // The reply: its pieces, then what its source (or the tunnel's writer) has given and the
    // session not yet taken.
    Reply reply;
    std::size_t piece = 0;
    std::uint64_t piece_at = 0;
    std::string ahead;
    std::size_t ahead_at = 0;
    bool source_end = false, source_failed = false, deferred = false;
    core::Signal room;
    bool tunnel = false;  // a CONNECT or extended CONNECT stream that a Duplex runs (H2Tunnel)

    bool closed = false;  // the session is done with the stream (answered, reset, or connection gone)
};

class H2RequestBody final : public core::ByteSource {
public:
    explicit H2RequestBody(H2Stream& s) : s_(s) {}
    core::awaitable<std::error_code> next(std::string_view& chunk) override;
    std::optional<std::uint64_t> size() const override { return content_length(s_.request); }

private:
    H2Stream& s_;
};

// A tunnel's stream as the Duplex its protocol runs on: what the client sends arrives as DATA
// (credited back as it is read), what we write leaves as DATA, our end is END_STREAM and an abort
// is RST_STREAM(CANCEL). Flow control is the backpressure: a write waits while source_ahead bytes
// wait for the client's window.
class H2Tunnel final : public core::Duplex {
public:
    explicit H2Tunnel(H2Stream& s) : s_(s) {}
    core::awaitable<std::pair<std::error_code, std::size_t>> read_some(asio::mutable_buffer buffer) override;
    core::awaitable<std::error_code> write(std::string_view bytes) override;
    void finish_write() override;
    void abort() override;
    void cancel_write() override
    {
        write_cancelled_ = true;
        s_.room.notify();
    }
    void set_timeout(core::Stream::Clock::duration timeout) override;
    asio::any_io_executor executor() override;
    std::uint64_t trace_id() const override;
    core::Role role() const override { return core::Role::server; }
    std::string peer_string() const override;

private:
    core::Stream::Clock::time_point deadline() const { return core::Stream::Clock::now() + timeout_; }

    H2Stream& s_;
    core::Stream::Clock::duration timeout_ = std::chrono::seconds(300);
    bool write_cancelled_ = false;
};

class H2Connection final : public h2::SessionEvents, public core::DrainListener {
public:
    H2Connection(core::Stream& stream, Handler& handler, const ConnectionOptions& options)
        : stream_(stream), handler_(handler), options_(options), executor_(stream.socket().get_executor()),
          writer_wake_(executor_), all_done_(executor_), stream_blocks_(stream.worker().get(stream_blocks_key)),
          spare_(SpareStorage::of(stream.worker())),
          session_(*this, h2::SessionLimits{.max_header_list = static_cast<std::uint32_t>(options.limits.max_header)},
                   core::Trace::instance().enabled())
    {
        stream_.set_drain_listener(this);
    }
    ~H2Connection() { stream_.set_drain_listener(nullptr); }

    // The server stops (SIGTERM, or a reload that replaces this listener): GOAWAY at once, naming
    // the last stream taken (RFC 9113 §6.8); the open streams finish, new ones are refused, and the
    // connection closes when the last is done.
    void on_drain() override
    {
        if (goaway_sent_ || dead_)
            return;
        goaway_sent_ = true;
        session_.goaway();
        for (auto& [id, s] : streams_)  // event streams end now rather than at their next event
            if (s->reply.live && s->reply.source)
                s->reply.source->cancel();
        wake_writer();
    }

    core::awaitable<void> run(std::string already_read, std::optional<H2Upgrade> upgrade);

    // SessionEvents
    void on_request(std::int32_t id, Request&& request, bool end_stream) override;
    void on_data(std::int32_t id, std::string_view data) override;
    void on_end_stream(std::int32_t id) override;
    void on_stream_close(std::int32_t id, std::uint32_t error_code) override;
    void on_trace(bool ours, std::string_view line) override
    {
        core::Trace::instance().line(stream_.id(), ours ? core::Speaker::server : core::Speaker::client, line);
    }

    h2::ServerSession& session() { return session_; }
    bool dead() const { return dead_; }
    void wake_writer() { writer_wake_.notify(); }
    core::Stream& stream() { return stream_; }
    // A tunnel that waits longer than the connection's idle timeout keeps the connection that long.
    void extend_timeout(core::Stream::Clock::duration timeout)
    {
        if (timeout > stream_.timeout())
            stream_.set_timeout(timeout);
    }

private:
    // The handler's coroutine for one request, then the reply's source pump.
    core::awaitable<void> exchange(std::shared_ptr<H2Stream> s);
    core::awaitable<void> pump(std::shared_ptr<H2Stream> s);
    // A 2xx to CONNECT: the stream becomes the Duplex `upgrade.run` is given, until it returns.
    core::awaitable<void> tunnel(std::shared_ptr<H2Stream> s, Upgrade& upgrade);
    void spawn(core::awaitable<void> work);
    // Frames the reply's head and hands it to the session; true when a source remains to be pumped.
    bool submit(H2Stream& s);
    core::awaitable<void> write_loop();
    core::awaitable<std::error_code> write_out();  // out_, its borrowed payloads gathered
    void end_all_streams();
    H2Stream* find(std::int32_t id);
    // Idle (no stream open, nothing being written): a server stop may end the connection now.
    void update_between_messages() { stream_.set_between_messages(streams_.empty() && writer_idle_); }

    core::Stream& stream_;
    Handler& handler_;
    const ConnectionOptions& options_;
    asio::any_io_executor executor_;
    core::Signal writer_wake_, all_done_;
    std::size_t running_ = 0;  // coroutines of ours besides run(): the writer and the exchanges
    std::size_t tunnels_ = 0;
    bool dead_ = false;  // the connection is over: every coroutine finishes up
    bool writer_idle_ = false;
    bool goaway_sent_ = false;
    // The open streams: at most max_concurrent_streams, mostly a few, so a vector (no node per
    // stream, and the newest, most asked for, is last).
    std::vector<std::pair<std::int32_t, std::shared_ptr<H2Stream>>> streams_;
    // Streams closed since the writer last started a batch: the batch in flight may point into
    // their reply bodies (OutBody::lend), so they live until it has been written.
    std::vector<std::shared_ptr<H2Stream>> retired_;
    StreamBlocks& stream_blocks_;
    SpareStorage& spare_;
    h2::OutFrames out_;
    std::vector<asio::const_buffer> gather_;
    h2::ServerSession session_;  // last: destroyed first, while the streams it points into live
};

h2::OutBody::Pulled H2Stream::pull(std::uint8_t* buffer, std::size_t max)
{
    std::size_t n = 0;
    while (n < max && piece < reply.body.size()) {
        const BodyPiece& p = reply.body[piece];
        const std::uint64_t left = p.size() - piece_at;
        if (left == 0) {
            ++piece;
            piece_at = 0;
            continue;
        }
        std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(max - n, left));
        if (p.file) {
            const ssize_t r = ::pread(p.file->fd, buffer + n, take, static_cast<off_t>(p.offset + piece_at));
            if (r <= 0)
                return {n, State::fail};
            take = static_cast<std::size_t>(r);
        } else {
            std::memcpy(buffer + n, p.bytes().data() + piece_at, take);
        }
        n += take;
        piece_at += take;
    }
    // A piece that ended exactly at `max` is done: the frame carries END_STREAM rather than an
    // empty DATA frame after it.
    if (piece < reply.body.size() && piece_at == reply.body[piece].size()) {
        ++piece;
        piece_at = 0;
    }
    if (piece < reply.body.size())
        return {n, State::more};
    if (!reply.source && !tunnel)
        return {n, State::end};
    const std::size_t take = std::min(max - n, ahead.size() - ahead_at);
    std::memcpy(buffer + n, ahead.data() + ahead_at, take);
    ahead_at += take;
    n += take;
    if (take > 0)
        room.notify();
    if (source_failed)
        return {n, State::fail};
    if (ahead_at == ahead.size() && source_end)
        return {n, State::end};
    if (n == max)
        return {n, State::more};
    deferred = true;
    return {n, State::wait};
}

std::optional<h2::OutBody::Lent> H2Stream::lend(std::size_t max)
{
    while (piece < reply.body.size() && piece_at == reply.body[piece].size()) {
        ++piece;
        piece_at = 0;
    }
    // A file is read (pull); the source's bytes are copied, as `ahead` changes while a write is out.
    if (piece == reply.body.size() || reply.body[piece].file)
        return std::nullopt;
    const BodyPiece& p = reply.body[piece];
    const std::string_view bytes = p.bytes().substr(static_cast<std::size_t>(piece_at), max);
    piece_at += bytes.size();
    if (piece_at == p.size()) {
        ++piece;
        piece_at = 0;
    }
    const bool end = piece == reply.body.size() && !reply.source && !tunnel;
    return Lent{{reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, end ? State::end : State::more};
}

// A file piece fills several frames' payloads with one preadv (a 100 KiB file: 2 system calls
// rather than 7); anything else goes a frame at a time through pull().
h2::OutBody::Pulled H2Stream::pull_parts(std::span<const std::span<std::uint8_t>> parts)
{
    if (parts.size() < 2 || piece >= reply.body.size() || !reply.body[piece].file ||
        piece_at == reply.body[piece].size())  // an empty piece: pull() steps over it
        return OutBody::pull_parts(parts);
    const BodyPiece& p = reply.body[piece];
    std::array<iovec, 8> iov;
    std::size_t count = 0, want = 0;
    const std::uint64_t left = p.size() - piece_at;
    for (const std::span<std::uint8_t> part : parts) {
        if (count == iov.size() || want == left)
            break;
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(part.size(), left - want));
        iov[count++] = {part.data(), take};
        want += take;
        if (take < part.size())
            break;  // the piece ends inside this part: it is the last one filled
    }
    const ssize_t r =
        ::preadv(p.file->fd, iov.data(), static_cast<int>(count), static_cast<off_t>(p.offset + piece_at));
    if (r <= 0)
        return {0, State::fail};
    const auto n = static_cast<std::size_t>(r);
    piece_at += n;
    if (piece_at == p.size()) {
        ++piece;
        piece_at = 0;
    }
    if (piece >= reply.body.size() && !reply.source && !tunnel)
        return {n, State::end};
    return {n, State::more};  // a short read, or more to come: the next pull goes on from here
}

core::awaitable<std::error_code> H2RequestBody::next(std::string_view& chunk)
{
    chunk = {};
    H2Connection& c = s_.connection;
    if (s_.handed > 0) {
        c.session().consume(s_.id, s_.handed);  // the client may send as much again
        s_.handed = 0;
        c.wake_writer();
    }
    for (;;) {
        if (s_.body_too_large)
            co_return std::make_error_code(std::errc::message_size);
        if (!s_.body_in.empty()) {
            s_.body_out.swap(s_.body_in);
            s_.body_in.clear();
            s_.handed = s_.body_out.size();
            chunk = s_.body_out;
            co_return std::error_code{};
        }
        if (s_.body_end)
            co_return std::error_code{};
        if (s_.closed || c.dead())
            co_return std::make_error_code(std::errc::connection_aborted);
        co_await s_.body_ready.wait();
    }
}

core::awaitable<std::pair<std::error_code, std::size_t>> H2Tunnel::read_some(asio::mutable_buffer buffer)
{
    H2Connection& c = s_.connection;
    for (;;) {
        if (!s_.body_in.empty()) {
            const std::size_t n = std::min(buffer.size(), s_.body_in.size());
            std::memcpy(buffer.data(), s_.body_in.data(), n);
            s_.body_in.erase(0, n);
            c.session().consume(s_.id, n);  // ours now: the client may send as much again
            c.wake_writer();
            co_return std::pair{std::error_code{}, n};
        }
        if (s_.body_end)
            co_return std::pair{std::error_code(asio::error::eof), std::size_t{0}};
        if (s_.closed || c.dead())
            co_return std::pair{std::error_code(asio::error::connection_reset), std::size_t{0}};
        if (!co_await s_.body_ready.wait_until(deadline()))
            co_return std::pair{std::error_code(asio::error::timed_out), std::size_t{0}};
    }
}

core::awaitable<std::error_code> H2Tunnel::write(std::string_view bytes)
{
    H2Connection& c = s_.connection;
    for (;;) {
        if (s_.closed || c.dead())
            co_return asio::error::connection_reset;
        if (std::exchange(write_cancelled_, false))
            co_return asio::error::operation_aborted;
        if (s_.ahead.size() - s_.ahead_at < source_ahead)
            break;
        if (!co_await s_.room.wait_until(deadline()))
            co_return asio::error::timed_out;
    }
    s_.ahead.erase(0, s_.ahead_at);
    s_.ahead_at = 0;
    s_.ahead.append(bytes);
    if (s_.deferred) {
        s_.deferred = false;
        c.session().resume(s_.id);
    }
    c.wake_writer();
    co_return std::error_code{};
}

void H2Tunnel::finish_write()
{
    if (s_.source_end || s_.closed)
        return;
    s_.source_end = true;
    if (s_.deferred) {
        s_.deferred = false;
        s_.connection.session().resume(s_.id);
    }
    s_.connection.wake_writer();
}

void H2Tunnel::abort()
{
    if (s_.closed)
        return;
    s_.connection.session().reset(s_.id, h2::cancel);
    s_.connection.wake_writer();
}

void H2Tunnel::set_timeout(core::Stream::Clock::duration timeout)
{
    timeout_ = timeout;
    s_.connection.extend_timeout(timeout);
}

asio::any_io_executor H2Tunnel::executor()
{
    return s_.connection.stream().socket().get_executor();
}

std::uint64_t H2Tunnel::trace_id() const
{
    return s_.connection.stream().id();
}

std::string H2Tunnel::peer_string() const
{
    return s_.connection.stream().peer_string();
}

void H2Connection::spawn(core::awaitable<void> work)
{
    ++running_;
    asio::co_spawn(executor_, std::move(work), [this](std::exception_ptr e) {
        if (e) {
            try {
                std::rethrow_exception(e);
            } catch (const std::exception& x) {
                spdlog::error("http: an HTTP/2 stream of {} failed: {}", stream_.peer_string(), x.what());
            }
        }
        if (--running_ == 0)
            all_done_.notify();
    });
}

void H2Connection::on_request(std::int32_t id, Request&& request, bool end_stream)
{
    auto s = std::allocate_shared<H2Stream>(StreamAllocator<H2Stream>(stream_blocks_), *this, id, executor_, spare_);
    // The session's stream slot gets spare field storage for the next request it decodes.
    s->request.fields = spare_.take_fields();
    std::swap(s->request, request);
    s->body_end = end_stream;
    const auto wall = core::coarse_system_now();
    s->wall = wall;
    s->context.tls = stream_.is_tls();
    s->context.now = core::coarse_steady_now();
    s->context.wall = std::chrono::time_point_cast<std::chrono::seconds>(wall);
    s->context.peer = &stream_.peer();
    s->context.blocking = options_.blocking;
    s->context.worker = &stream_.worker();
    streams_.emplace_back(id, s);
    if (end_stream) {
        if (std::optional<Reply> now = handler_.handle_now(s->request, s->context)) {
            s->reply = std::move(*now);
            if (submit(*s))
                spawn(pump(s));
            return;
        }
    } else if (const auto length = content_length(s->request); length && *length > options_.limits.max_message) {
        s->reply = error_reply(Status::content_too_large);  // before the client sends it (as HTTP/1.1's 413)
        s->body_abandoned = true;
        submit(*s);
        return;
    }
    spawn(exchange(std::move(s)));
}

void H2Connection::on_data(std::int32_t id, std::string_view data)
{
    H2Stream* found = find(id);
    if (!found || found->body_abandoned || found->body_too_large) {
        session_.consume(id, data.size());  // nobody reads it: keep the connection's window open
        return;
    }
    H2Stream& s = *found;
    s.body_total += data.size();
    // A tunnel's bytes are not a message: the stream window alone bounds what waits unread.
    if (s.body_total > options_.limits.max_message && s.request.method != MethodId::connect) {
        s.body_too_large = true;
        session_.consume(id, data.size() + s.body_in.size());
        s.body_in.clear();
    } else {
        s.body_in.append(data);
    }
    s.body_ready.notify();
}

void H2Connection::on_end_stream(std::int32_t id)
{
    if (H2Stream* s = find(id)) {
        s->body_end = true;
        s->body_ready.notify();
    }
}

void H2Connection::on_stream_close(std::int32_t id, std::uint32_t)
{
    const auto it = std::find_if(streams_.rbegin(), streams_.rend(), [id](const auto& e) { return e.first == id; });
    if (it == streams_.rend())
        return;
    H2Stream& s = *it->second;
    s.closed = true;
    if (s.reply.live && s.reply.source)  // the page went: its event stream stops waiting
        s.reply.source->cancel();
    // Body bytes received but not credited back would shrink the connection's window for good.
    session_.consume(id, s.handed + s.body_in.size());
    s.handed = 0;
    s.body_in.clear();
    s.body_ready.notify();
    s.room.notify();
    std::swap(*it, streams_.back());  // the order of the others does not matter
    retired_.push_back(std::move(streams_.back().second));
    streams_.pop_back();
}

bool H2Connection::submit(H2Stream& s)
{
    Reply& reply = s.reply;
    const std::optional<std::uint64_t> size = reply.body_size();
    const Framed framed =
        finish_response(reply.response, Finish{&s.request, size, true, current_http_date(s.wall), true});
    const bool body = framed.send_body && (size.value_or(1) > 0);
    if (!reply.early_hints.empty()) {
        Response hints;
        hints.status = Status::early_hints;
        for (const std::string& link : reply.early_hints)
            hints.fields.add("link", link);
        session_.inform(s.id, hints);
    }
    session_.respond(s.id, reply.response, body ? &s : nullptr);
    if (options_.access_log)
        options_.access_log->write(stream_.peer().address().to_string(), s.request, code(reply.response.status),
                                   body ? size.value_or(0) : 0, s.wall);
    if (!s.body_end)
        s.body_abandoned = true;  // what the handler did not read is dropped as it comes
    wake_writer();
    return body && reply.source != nullptr;
}

core::awaitable<void> H2Connection::exchange(std::shared_ptr<H2Stream> s)
{
    H2RequestBody body(*s);
    Exchange exchange{s->request, body, s->context};
    Outcome outcome = error_reply(Status::internal_server_error);
    try {
        outcome = co_await handler_.handle(exchange);
    } catch (const std::exception& e) {
        spdlog::error("http: a handler failed on an HTTP/2 stream of {}: {}", stream_.peer_string(), e.what());
    }
    if (s->closed || dead_)
        co_return;
    if (s->handed > 0) {
        session_.consume(s->id, s->handed);
        s->handed = 0;
    }
    if (auto* upgrade = std::get_if<Upgrade>(&outcome)) {
        if (status_class(upgrade->response.status) == 2) {
            co_await tunnel(s, *upgrade);
            co_return;
        }
        s->reply = error_reply(Status::not_implemented);  // 101: HTTP/2 switches no protocols (RFC 9113 §8.6)
    } else {
        s->reply = std::move(std::get<Reply>(outcome));
    }
    if (!s->body_end && !s->body_in.empty()) {
        session_.consume(s->id, s->body_in.size());
        s->body_in.clear();
    }
    if (submit(*s))
        co_await pump(s);
}

core::awaitable<void> H2Connection::tunnel(std::shared_ptr<H2Stream> s, Upgrade& upgrade)
{
    s->tunnel = true;
    Response& response = upgrade.response;
    if (!response.fields.contains("Date"))
        response.fields.add_valid("Date", current_http_date(s->wall));
    session_.respond(s->id, response, s.get());
    if (options_.access_log)
        options_.access_log->write(stream_.peer().address().to_string(), s->request, code(response.status), 0, s->wall);
    wake_writer();
    ++tunnels_;
    H2Tunnel peer(*s);
    co_await upgrade.run(peer, std::string());
    if (--tunnels_ == 0)
        stream_.set_timeout(options_.limits.idle_timeout);
    if (s->closed || dead_)
        co_return;
    peer.finish_write();
    s->body_abandoned = true;  // what the client still sends is dropped as it comes
    session_.consume(s->id, s->body_in.size());
    s->body_in.clear();
}

core::awaitable<void> H2Connection::pump(std::shared_ptr<H2Stream> s)
{
    core::ByteSource& source = *s->reply.source;
    while (!s->closed && !dead_) {
        if (s->ahead.size() - s->ahead_at >= source_ahead) {
            co_await s->room.wait();
            continue;
        }
        std::string_view chunk;
        const std::error_code ec = co_await source.next(chunk);
        if (s->closed || dead_)
            break;
        if (s->reply.live && stream_.draining())
            chunk = {};  // stopping: an event stream ends here
        if (ec) {
            spdlog::warn("http: a reply body to {} failed midway: {}", stream_.peer_string(), ec.message());
            s->source_failed = true;
        } else if (chunk.empty()) {
            s->source_end = true;
        } else {
            s->ahead.erase(0, s->ahead_at);
            s->ahead_at = 0;
            s->ahead.append(chunk);
        }
        if (s->deferred) {
            s->deferred = false;
            session_.resume(s->id);
        }
        wake_writer();
        if (ec || chunk.empty())
            break;
    }
}

core::awaitable<void> H2Connection::write_loop()
{
    // Through TLS every byte is copied into a record anyway: nothing is borrowed.
    const std::size_t borrow_from = stream_.is_tls() ? std::numeric_limits<std::size_t>::max() : min_borrowed;
    for (;;) {
        retired_.clear();  // the last batch is written
        out_.clear();
        if (!session_.output(out_, write_batch, borrow_from)) {
            dead_ = true;
            break;
        }
        if (!out_.empty()) {
            if (co_await write_out()) {
                dead_ = true;
                break;
            }
            continue;
        }
        if (dead_ || session_.done())
            break;
        writer_idle_ = true;
        update_between_messages();
        co_await writer_wake_.wait();
        writer_idle_ = false;
        stream_.set_between_messages(false);
    }
    // The reader may still wait on the socket: a dead writer ends the connection.
    std::error_code ignored;
    stream_.socket().cancel(ignored);
}

core::awaitable<std::error_code> H2Connection::write_out()
{
    if (out_.borrowed.empty())
        co_return co_await stream_.write(out_.bytes, false);
    gather_.clear();
    std::size_t from = 0;
    for (const h2::OutFrames::Borrowed& b : out_.borrowed) {
        if (b.at > from)
            gather_.emplace_back(out_.bytes.data() + from, b.at - from);
        gather_.emplace_back(b.payload.data(), b.payload.size());
        from = b.at;
    }
    if (out_.bytes.size() > from)
        gather_.emplace_back(out_.bytes.data() + from, out_.bytes.size() - from);
    co_return co_await stream_.write_gather(gather_);
}

H2Stream* H2Connection::find(std::int32_t id)
{
    for (auto it = streams_.rbegin(); it != streams_.rend(); ++it)
        if (it->first == id)
            return it->second.get();
    return nullptr;
}

void H2Connection::end_all_streams()
{
    for (auto& [id, s] : streams_) {
        s->closed = true;
        s->body_ready.notify();
        s->room.notify();
        if (s->reply.live && s->reply.source)  // an event stream's pump waits for no more events
            s->reply.source->cancel();
    }
}

core::awaitable<void> H2Connection::run(std::string already_read, std::optional<H2Upgrade> upgrade)
{
    stream_.set_timeout(options_.limits.idle_timeout);
    if (upgrade) {
        const bool head = upgrade->request.method == MethodId::head;
        if (!session_.upgrade(upgrade->settings, head))
            co_return;
        upgrade->request.version = {2, 0};
        on_request(1, std::move(upgrade->request), true);
    }
    spawn(write_loop());
    if (!already_read.empty() && !session_.feed(already_read))
        dead_ = true;
    // Into the worker's buffer, not one of ours: an idle connection keeps no 16 KiB, and the
    // session takes the bytes before this coroutine suspends again.
    const asio::mutable_buffer input(stream_.worker_input(), core::Stream::worker_input_size);
    // After a read that did not fill the buffer, the client's next frames are most likely not
    // here yet: a read at once would only say so (a system call for naught), and the wait sees
    // bytes that are already there.
    bool read_first = true;
    while (!dead_ && !session_.done()) {
        wake_writer();
        update_between_messages();
        std::pair<std::error_code, std::size_t> got{asio::error::would_block, 0};
        if (read_first)
            got = stream_.read_now(input);
        if (got.first == asio::error::would_block) {
            const std::error_code waited = co_await stream_.wait_readable();
            got = waited ? std::pair{waited, std::size_t{0}} : stream_.read_now(input);
            if (got.first == asio::error::would_block)
                continue;  // woken by bytes that make no whole TLS record yet
        }
        const auto [ec, n] = got;
        read_first = n == input.size();
        if (ec == asio::error::shut_down)
            on_drain();  // stopping with no stream open: say so, the writer sends it, and close
        if (ec || dead_)
            break;
        if (stream_.draining())  // a connection that began after the drain did
            on_drain();
        if (!session_.feed(std::string_view(static_cast<const char*>(input.data()), n)))
            break;  // the session queued a GOAWAY with the error: the writer sends it
    }
    dead_ = true;
    end_all_streams();
    wake_writer();
    while (running_ > 0)
        co_await all_done_.wait();
    // Only now: until the writer has ended, the session may still pull a stream's body (a write
    // that was in flight when the reader ended lets it produce once more).
    streams_.clear();
    retired_.clear();
}

}  // namespace

core::awaitable<void> serve_h2(core::Stream& stream, Handler& handler, const ConnectionOptions& options,
                               std::string already_read, std::optional<H2Upgrade> upgrade)
{
    H2Connection connection(stream, handler, options);
    co_await connection.run(std::move(already_read), std::move(upgrade));
}

}  // namespace layer7::http
