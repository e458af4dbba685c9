// HTTP/1.1 connection shell: see connection.hpp.
#include "http/server/connection.hpp"

#include <memory>

#include <spdlog/spdlog.h>

#include "core/net/coarse_clock.hpp"
#include "http/h1/chunked.hpp"
#include "http/h1/server_connection.hpp"
#include "http/h1/serializer.hpp"
#include "core/bytes/base64.hpp"
#include "http/server/finish.hpp"
#include "http/server/h2_connection.hpp"
#include "http/server/spare_storage.hpp"

namespace layer7::http {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t gather_threshold = 32 * 1024;  // bodies up to this are copied next to the head
// Draining before a close (nginx: lingering_timeout 5 s, lingering_time 30 s; shorter here).
constexpr auto linger_timeout = std::chrono::seconds(2);  // no byte from the client this long: close
constexpr auto linger_time = std::chrono::seconds(10);    // at most this long in all

constexpr std::size_t input_size = core::Stream::worker_input_size;  // one read's worth

h1::ServerRules rules_for(const ConnectionOptions& o)
{
    h1::ServerRules r;
    r.parser.max_start_line = std::max<std::size_t>(o.limits.max_line, 1024);
    r.parser.max_field_section = o.limits.max_header;
    r.parser.max_body = o.limits.max_message;
    r.header_timeout = o.header_timeout;
    r.idle_timeout = o.limits.idle_timeout;
    r.max_requests = o.max_requests;
    return r;
}

class Connection;

// The request body as the handler pulls it: each call may read from the socket.
class RequestBody final : public core::ByteSource {
public:
    explicit RequestBody(Connection& connection) : connection_(connection) {}
    core::awaitable<std::error_code> next(std::string_view& chunk) override;
    std::optional<std::uint64_t> size() const override;

private:
    Connection& connection_;
};

class Connection {
public:
    Connection(core::Stream& stream, Handler& handler, const ConnectionOptions& options, ParkedAt from)
        : stream_(stream), handler_(handler), options_(options), conn_(rules_for(options), from.served),
          spare_(SpareStorage::of(stream.worker())), first_read_(!from.started)
    {
    }

    core::awaitable<void> run();
    // After run(): how HTTP/2 takes over the connection, if it does.
    struct ToH2 {
        std::string already_read;
        std::optional<H2Upgrade> upgrade;
    };
    std::optional<ToH2> to_h2() { return std::move(to_h2_); }
    // After run(): an upgrade whose head went out, to run on the connection, if there is one.
    struct Upgraded {
        std::function<core::awaitable<void>(core::Duplex& peer, std::string already_read)> run;
        std::string already_read;
    };
    std::optional<Upgraded> upgraded() { return std::move(upgraded_); }
    // After run(): where the connection was parked, if it was (ConnectionOptions::park).
    std::optional<ParkedAt> parked() const { return parked_; }

private:
    friend class RequestBody;
    enum class BodyState { ok, rejected, gone };

    // Flushes pending replies, then reads and feeds more input. False when the connection is
    // done: closed, failed, or timed out (with a 408 sent when the timeout hit inside a head).
    core::awaitable<bool> read_more();
    // The client's next bytes, valid until the next suspension: read into the worker's buffer
    // after a wait that holds no memory (out_ and the parser's are given back first).
    core::awaitable<std::pair<std::error_code, std::string_view>> receive();
    core::awaitable<std::error_code> next_body_chunk(std::string_view& chunk);
    // The handler's coroutine for the current request; false when the connection is done.
    core::awaitable<bool> serve(RequestContext context, std::chrono::system_clock::time_point wall);
    core::awaitable<void> upgrade(Upgrade& upgrade, std::chrono::system_clock::time_point wall);
    // Appends the reply to the output; writes when a file, a large body or a source has to go out.
    // `keep_alive` comes in as the plan allows it and goes out false when the close is what ends
    // the body (an unknown length to an HTTP/1.0 client).
    core::awaitable<std::error_code> emit(Reply& reply, const Request* request, bool& keep_alive,
                                          std::chrono::system_clock::time_point wall);
    core::awaitable<std::error_code> send_source(core::ByteSource& source, bool chunked, bool live,
                                                 std::uint64_t& sent);
    core::awaitable<std::error_code> flush();
    // Sends out_ at once if the socket takes it all (plain TCP); false with what is left kept in
    // out_, or with `ec` set on a failure.
    bool flushed_now(std::error_code& ec);
    // Answers a broken request with its status and closes (no access to a parsed request).
    core::awaitable<void> fail(Status status);
    // Before a close we decided on: end our side, then drop what the client still sends.
    core::awaitable<void> linger();
    void trace_head(std::size_t head_at);
    void trace_request(const Request& request);
    // A 103 Early Hints head (RFC 8297) with these Link values, into out_.
    void append_early_hints(const std::vector<std::string>& links);
    // A request to switch to h2c (RFC 7540 §3.2) that we take: sends the 101 and sets to_h2_.
    core::awaitable<bool> upgrade_to_h2c(const Request& request);

    core::Stream& stream_;
    Handler& handler_;
    const ConnectionOptions& options_;
    h1::ServerConnection conn_;
    SpareStorage& spare_;  // the worker's: storage of replies sent goes back there
    std::string out_;      // heads and small bodies waiting to be written
    BodyState body_state_ = BodyState::ok;
    bool first_read_ = true;
    bool replied_ = false;  // a reply went out since the last read
    std::optional<ToH2> to_h2_;
    std::optional<Upgraded> upgraded_;
    std::optional<ParkedAt> parked_;
};

// The HTTP2-Settings field: base64url without padding (RFC 7540 §3.2.1) holding a SETTINGS payload.
std::optional<std::string> decode_http2_settings(std::string_view value)
{
    std::string text(value);
    for (char& c : text) {
        if (c == '-')
            c = '+';
        else if (c == '_')
            c = '/';
        else if (c == '+' || c == '/' || c == '=')
            return std::nullopt;
    }
    text.append((4 - text.size() % 4) % 4, '=');
    const auto bytes = core::base64_decode(text);
    if (!bytes || bytes->size() % 6 != 0)
        return std::nullopt;
    return std::string(bytes->begin(), bytes->end());
}

core::awaitable<std::error_code> RequestBody::next(std::string_view& chunk)
{
    co_return co_await connection_.next_body_chunk(chunk);
}

std::optional<std::uint64_t> RequestBody::size() const
{
    return connection_.conn_.body_length();
}

core::awaitable<std::error_code> Connection::flush()
{
    if (out_.empty())
        co_return std::error_code{};
    auto ec = co_await stream_.write(out_, false);
    out_.clear();
    co_return ec;
}

bool Connection::flushed_now(std::error_code& ec)
{
    std::string_view left(out_);
    ec = stream_.write_now(left);
    if (ec || !left.empty()) {
        out_.erase(0, out_.size() - left.size());
        return false;
    }
    out_.clear();
    return true;
}

core::awaitable<bool> Connection::read_more()
{
    // Most answers fit in the socket buffer: sent here without the coroutine flush() is.
    if (std::error_code sent_ec; !out_.empty() && !flushed_now(sent_ec)) {
        if (sent_ec)
            co_return false;
        if (co_await flush())
            co_return false;
    }
    // Between requests the keep-alive timeout applies; inside a head, what is left of the header
    // timeout (a slow sender must not hold the connection forever).
    const auto timeout = conn_.read_timeout(core::coarse_steady_now());
    if (timeout > Clock::duration::zero()) {
        stream_.set_timeout(timeout);
        auto [ec, bytes] = co_await receive();
        if (parked_)
            co_return false;
        if (!ec) {
            if (first_read_ && options_.h2c && h2_preface.starts_with(bytes.substr(0, h2_preface.size()))) {
                to_h2_ = ToH2{std::string(bytes), std::nullopt};  // HTTP/2 with prior knowledge (RFC 9113 §3.3)
                co_return false;
            }
            first_read_ = false;
            conn_.feed(bytes, core::coarse_steady_now());
            co_return true;
        }
        if (!stream_.timed_out() || !conn_.timeout_gets_408())
            co_return false;  // closed, reset, or idle between requests: nothing to answer
    }
    spdlog::info("http: {} sent no complete header within {}s", stream_.peer_string(), options_.header_timeout.count());
    co_await fail(Status::request_timeout);
    co_return false;
}

core::awaitable<std::pair<std::error_code, std::string_view>> Connection::receive()
{
    char* const input = stream_.worker_input();
    // Right after a reply the client is most likely still reading it: a read now would only find
    // nothing (a system call per request for naught), and the wait sees bytes already there.
    bool read_first = !replied_;
    replied_ = false;
    for (;; read_first = true) {
        if (read_first) {
            auto [ec, n] = stream_.read_now(asio::buffer(input, input_size));
            if (ec != asio::error::would_block)
                co_return std::pair{ec, std::string_view(input, n)};
        }
        if (options_.park && conn_.idle() && out_.empty()) {
            // a connection that keeps alive has served fewer than max_requests, which is at most 2^30
            parked_ = ParkedAt{static_cast<std::uint32_t>(conn_.served()), !first_read_};
            co_return std::pair{std::error_code(asio::error::would_block), std::string_view()};
        }
        if (out_.empty())
            std::string().swap(out_);
        conn_.release_idle_memory();
        stream_.set_between_messages(conn_.between_requests());
        const std::error_code ec = co_await stream_.wait_readable();
        stream_.set_between_messages(false);
        if (ec)
            co_return std::pair{ec, std::string_view()};
    }
}

core::awaitable<std::error_code> Connection::next_body_chunk(std::string_view& chunk)
{
    chunk = {};
    if (body_state_ == BodyState::ok && conn_.continue_owed()) {
        // RFC 9110 §10.1.1: the client waits for this before sending the body it announced.
        out_.append(h1::ServerConnection::continue_line);
        conn_.continue_sent();
        if (co_await flush())
            body_state_ = BodyState::gone;
    }
    while (body_state_ == BodyState::ok) {
        const h1::ServerEvent event = conn_.next();
        switch (event.kind) {
        case h1::ServerEventKind::need_more:
            if (!co_await read_more())
                body_state_ = BodyState::gone;
            break;
        case h1::ServerEventKind::body:
            if (event.data.empty())
                break;
            chunk = event.data;
            co_return std::error_code{};
        case h1::ServerEventKind::body_end:
        case h1::ServerEventKind::request:  // not reached: the next request waits for this reply
            co_return std::error_code{};
        case h1::ServerEventKind::reject:
            spdlog::info("http: {} in the body from {}", code(conn_.reject_status()), stream_.peer_string());
            body_state_ = BodyState::rejected;
            break;
        }
    }
    if (body_state_ == BodyState::rejected && conn_.reject_status() == Status::content_too_large)
        co_return std::make_error_code(std::errc::message_size);
    co_return std::make_error_code(body_state_ == BodyState::rejected ? std::errc::bad_message
                                                                      : std::errc::connection_aborted);
}

void Connection::trace_head(std::size_t head_at)
{
    if (!core::Trace::instance().enabled())
        return;
    // The whole head, as the textbook's transcripts show it (without the empty line that ends it).
    std::string_view head(out_);
    head = head.substr(head_at, head.find("\r\n\r\n", head_at) - head_at);
    core::Trace::instance().block(stream_.id(), core::Speaker::server, head);
}

void Connection::trace_request(const Request& request)
{
    auto& trace = core::Trace::instance();
    trace.line(stream_.id(), core::Speaker::client,
               std::string(request.method.name()) + " " + request.target + " HTTP/" +
                   std::to_string(request.version.major) + "." + std::to_string(request.version.minor));
    for (Field f : request.fields)
        trace.line(stream_.id(), core::Speaker::client, std::string(f.name) + ": " + std::string(f.value));
}

void Connection::append_early_hints(const std::vector<std::string>& links)
{
    Response hints;
    hints.status = Status::early_hints;
    for (const std::string& link : links)
        hints.fields.add("Link", link);
    const std::size_t at = out_.size();
    if (h1::append_response_head(out_, hints))
        trace_head(at);
    else
        out_.resize(at);
}

core::awaitable<std::error_code> Connection::send_source(core::ByteSource& source, bool chunked, bool live,
                                                         std::uint64_t& sent)
{
    for (;;) {
        if (live && stream_.draining())
            co_return std::error_code{};  // stopping: the body ends here, cleanly
        std::string_view chunk;
        if (auto ec = co_await source.next(chunk)) {
            spdlog::warn("http: a reply body to {} failed midway: {}", stream_.peer_string(), ec.message());
            co_return ec;  // the connection closes: the client sees the body cut short
        }
        if (chunk.empty())
            co_return std::error_code{};
        sent += chunk.size();
        if (chunked)
            h1::append_chunk_header(out_, chunk.size());
        if (out_.size() + chunk.size() <= gather_threshold) {
            out_.append(chunk);
        } else {  // the chunk is valid until the next pull: write it out now, without copying
            std::vector<asio::const_buffer> buffers{asio::buffer(out_), asio::buffer(chunk.data(), chunk.size())};
            auto ec = co_await stream_.write_gather(buffers);
            out_.clear();
            if (ec)
                co_return ec;
        }
        if (chunked)
            out_.append(h1::chunk_end);
        if (out_.size() >= gather_threshold || live)
            if (auto ec = co_await flush())
                co_return ec;
    }
}

core::awaitable<std::error_code> Connection::emit(Reply& reply, const Request* request, bool& keep_alive,
                                                  std::chrono::system_clock::time_point wall)
{
    const std::optional<std::uint64_t> size = reply.body_size();
    Framed framed = finish_response(reply.response, Finish{request, size, keep_alive, current_http_date(wall)});
    if (!reply.early_hints.empty() && request && request->version.minor >= 1)
        append_early_hints(reply.early_hints);
    const std::size_t head_at = out_.size();
    if (!h1::append_response_head(out_, reply.response)) {
        // A field value with CR/LF would split the response: never send it.
        spdlog::error("http: refusing to send an invalid response head");
        reply = error_reply(Status::internal_server_error);
        framed = finish_response(reply.response, Finish{nullptr, reply.body_size(), false, current_http_date(wall)});
        h1::append_response_head(out_, reply.response);
    }
    trace_head(head_at);
    std::uint64_t sent = 0;
    std::error_code ec;
    if (framed.send_body) {
        for (const BodyPiece& piece : reply.body) {
            if (piece.size() == 0)
                continue;  // an empty chunk would end the body
            sent += piece.size();
            if (framed.chunked)
                h1::append_chunk_header(out_, piece.size());
            if (piece.file) {
                ec = co_await stream_.send_file(piece.file->fd, piece.offset, piece.length, out_);
                out_.clear();
            } else if (const std::string_view bytes = piece.bytes(); bytes.size() <= gather_threshold) {
                out_.append(bytes);
            } else {
                // A large in-memory body: head and body in one gathered write, without copying the body.
                std::vector<asio::const_buffer> buffers{asio::buffer(out_), asio::buffer(bytes.data(), bytes.size())};
                ec = co_await stream_.write_gather(buffers);
                out_.clear();
            }
            if (ec)
                break;
            if (framed.chunked)
                out_.append(h1::chunk_end);
        }
        if (!ec && reply.source) {
            // A stop must not wait for an event stream's next event: it ends the stream now.
            struct EndOnDrain final : core::DrainListener {
                explicit EndOnDrain(core::ByteSource& s) : source(s) {}
                void on_drain() override { source.cancel(); }
                core::ByteSource& source;
            } end_on_drain(*reply.source);
            if (reply.live)
                stream_.set_drain_listener(&end_on_drain);
            ec = co_await send_source(*reply.source, framed.chunked, reply.live, sent);
            if (reply.live)
                stream_.set_drain_listener(nullptr);
        }
        if (!ec && size && sent != *size) {
            spdlog::error("http: a reply body had {} bytes where {} were announced", sent, *size);
            ec = std::make_error_code(std::errc::io_error);
        }
        if (!ec && framed.chunked)
            h1::append_last_chunk(out_);
    }
    if (options_.access_log) {
        const std::string client = stream_.peer().address().to_string();
        const int status = code(reply.response.status);
        if (request)
            options_.access_log->write(client, *request, status, sent, wall);
        else
            options_.access_log->write_rejected(client, status, sent, wall);
    }
    keep_alive = framed.keep_alive;
    co_return ec;
}

core::awaitable<void> Connection::fail(Status status)
{
    Reply reply = error_reply(status);
    bool keep_alive = false;
    if (co_await emit(reply, nullptr, keep_alive, std::chrono::system_clock::now()))
        co_return;
    if (!co_await flush())
        co_await linger();
}

core::awaitable<void> Connection::linger()
{
    // A close with the client's bytes unread makes our kernel send RST, and the client's kernel
    // may then drop responses it has received but not read yet (RFC 9112 §9.6). So the FIN goes
    // first, after the last response, and what the client still sends is read and dropped.
    if (stream_.is_tls() || !conn_.linger_on_close())
        co_return;
    std::error_code ignored;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    const auto until = core::coarse_steady_now() + linger_time;
    stream_.set_timeout(linger_timeout);
    while (core::coarse_steady_now() < until) {
        if (co_await stream_.wait_readable())
            break;
        if (auto [ec, n] = stream_.read_now(asio::buffer(stream_.worker_input(), input_size));
            ec && ec != asio::error::would_block)
            break;
    }
}

core::awaitable<void> Connection::upgrade(Upgrade& upgrade, std::chrono::system_clock::time_point wall)
{
    Response& response = upgrade.response;
    if (!response.fields.contains("Date"))
        response.fields.add_valid("Date", current_http_date(wall));
    const std::size_t head_at = out_.size();
    if (!h1::append_response_head(out_, response)) {
        spdlog::error("http: refusing to send an invalid upgrade head");
        co_await fail(Status::internal_server_error);
        co_return;
    }
    trace_head(head_at);
    if (options_.access_log)
        options_.access_log->write(stream_.peer().address().to_string(), conn_.request(), code(response.status), 0,
                                   wall);
    if (co_await flush())
        co_return;
    upgraded_ = Upgraded{std::move(upgrade.run), conn_.take_buffered()};
}

core::awaitable<bool> Connection::upgrade_to_h2c(const Request& request)
{
    // Only a request without a body: its answer then comes on stream 1 as a whole (curl and
    // nghttp upgrade with a GET; a client with a body would have to send it all over HTTP/1.1 first).
    if (!options_.h2c || conn_.has_body() || !request.fields.list_contains("Upgrade", "h2c") ||
        !request.fields.list_contains("Connection", "HTTP2-Settings") || request.fields.count("HTTP2-Settings") != 1)
        co_return false;
    auto settings = decode_http2_settings(*request.fields.get("HTTP2-Settings"));
    if (!settings)
        co_return false;  // served as HTTP/1.1, which the client must accept
    constexpr std::string_view switching =
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n";
    out_.append(switching);
    trace_head(out_.size() - switching.size());
    if (co_await flush())
        co_return true;  // nothing more to do on this connection
    to_h2_ = ToH2{conn_.take_buffered(), H2Upgrade{request, std::move(*settings)}};
    co_return true;
}

core::awaitable<bool> Connection::serve(RequestContext context, std::chrono::system_clock::time_point wall)
{
    RequestBody body(*this);
    body_state_ = BodyState::ok;
    Exchange exchange{conn_.request(), body, context};
    Outcome outcome = co_await handler_.handle(exchange);
    if (body_state_ == BodyState::gone)
        co_return false;  // nobody left to answer
    if (body_state_ == BodyState::rejected) {
        co_await fail(conn_.reject_status());
        co_return false;
    }
    if (auto* up = std::get_if<Upgrade>(&outcome)) {
        co_await upgrade(*up, wall);
        co_return false;
    }
    Reply& reply = std::get<Reply>(outcome);
    h1::ReplyPlan plan = conn_.plan_reply(reply.close || stream_.draining());  // no keep-alive while stopping
    if (co_await emit(reply, &conn_.request(), plan.keep_alive, wall))
        co_return false;
    if (!plan.keep_alive) {  // pipelined requests after this one are not answered (RFC 9112 §9.6)
        if (!co_await flush())
            co_await linger();
        co_return false;
    }
    for (std::string_view chunk; plan.drain;) {  // what the handler left of a small body
        if (co_await next_body_chunk(chunk))
            co_return false;
        if (chunk.empty())
            break;
    }
    co_return true;
}

core::awaitable<void> Connection::run()
{
    for (;;) {
        const h1::ServerEvent event = conn_.next();
        switch (event.kind) {
        case h1::ServerEventKind::need_more:
            if (!co_await read_more())
                co_return;
            break;
        case h1::ServerEventKind::reject:
            spdlog::info("http: {} {} from {}", code(conn_.reject_status()), reason_phrase(conn_.reject_status()),
                         stream_.peer_string());
            co_await fail(conn_.reject_status());
            co_return;
        case h1::ServerEventKind::body:
        case h1::ServerEventKind::body_end:
            break;  // not reached: a request's body events go to its handler or to the drain
        case h1::ServerEventKind::request: {
            const Request& request = conn_.request();
            if (core::Trace::instance().enabled())
                trace_request(request);
            if (options_.h2c && request.fields.contains("HTTP2-Settings") && co_await upgrade_to_h2c(request))
                co_return;
            // One reading of each clock per request: the message's start stands for "now".
            const auto wall = core::coarse_system_now();
            RequestContext context;
            context.tls = stream_.is_tls();
            context.now = conn_.message_started();
            context.wall = std::chrono::time_point_cast<std::chrono::seconds>(wall);
            context.peer = &stream_.peer();
            context.blocking = options_.blocking;
            context.worker = &stream_.worker();
            if (!conn_.has_body()) {
                if (std::optional<Reply> now = handler_.handle_now(request, context)) {
                    h1::ReplyPlan plan = conn_.plan_reply(now->close || stream_.draining());
                    if (co_await emit(*now, &request, plan.keep_alive, wall))
                        co_return;
                    spare_.give(std::move(now->response.fields));  // sent: the next reply's storage
                    spare_.give(std::move(now->body));
                    if (!plan.keep_alive) {
                        if (!co_await flush())
                            co_await linger();
                        co_return;
                    }
                    replied_ = true;
                    break;
                }
            }
            if (!co_await serve(context, wall))
                co_return;
            replied_ = true;
            break;
        }
        }
    }
}

// How a finished HTTP/1.1 connection goes on, if it does.
struct AfterH1 {
    std::optional<ParkedAt> parked;
    std::optional<Connection::ToH2> to_h2;
    std::optional<Connection::Upgraded> upgraded;
};

core::awaitable<AfterH1> run_h1(core::Stream& stream, Handler& handler, const ConnectionOptions& options, ParkedAt from)
{
    Connection connection(stream, handler, options, from);
    co_await connection.run();
    co_return AfterH1{connection.parked(), connection.to_h2(), connection.upgraded()};
}

}  // namespace

core::awaitable<std::optional<ParkedAt>> serve_h1(core::Stream& stream, Handler& handler,
                                                  const ConnectionOptions& options, ParkedAt from)
{
    // The Connection (its parser, the last request, its buffers) and the handler's coroutines
    // end before HTTP/2 or an upgrade takes the stream over: a WebSocket or tunnel open for
    // hours keeps none of them (issue 23 counts an idle one's bytes).
    AfterH1 after = co_await run_h1(stream, handler, options, from);
    if (after.to_h2) {
        co_await serve_h2(stream, handler, options, std::move(after.to_h2->already_read),
                          std::move(after.to_h2->upgrade));
    } else if (after.upgraded) {
        core::StreamDuplex peer(stream);
        co_await after.upgraded->run(peer, std::move(after.upgraded->already_read));
    }
    co_return after.parked;
}

}  // namespace layer7::http
