// HTTP/1.1 connection shell: see connection.hpp.
#include "http/server/connection.hpp"

#include <ctime>
#include <memory>

#include <spdlog/spdlog.h>

#include "core/net/coarse_clock.hpp"
#include "http/h1/chunked.hpp"
#include "http/h1/connection.hpp"
#include "http/h1/request_parser.hpp"
#include "http/h1/serializer.hpp"
#include "http/message/date.hpp"

namespace layer7::http {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t gather_threshold = 32 * 1024;  // bodies up to this are copied next to the head

// The Date field changes once a second; format it once a second per thread.
std::string_view current_date(std::chrono::system_clock::time_point now)
{
    thread_local std::time_t cached_second = 0;
    thread_local std::string cached;
    const std::time_t second = std::chrono::system_clock::to_time_t(now);
    if (second != cached_second) {
        cached_second = second;
        cached = format_http_date(std::chrono::sys_seconds(std::chrono::seconds(second)));
    }
    return cached;
}

class Connection {
public:
    Connection(core::Stream& stream, const Handler& handler, const ConnectionOptions& options)
        : stream_(stream), handler_(handler), options_(options), parser_(parser_limits(options)),
          input_(std::make_unique_for_overwrite<char[]>(input_size))  // reads fill it: no zeroing
    {
    }

    core::awaitable<void> run();

private:
    static h1::ParserLimits parser_limits(const ConnectionOptions& o)
    {
        h1::ParserLimits l;
        l.max_start_line = std::max<std::size_t>(o.limits.max_line, 1024);
        l.max_field_section = o.limits.max_header;
        l.max_body = o.limits.max_message;
        return l;
    }

    // Appends the reply to the output; writes when a file or a large body has to go out.
    core::awaitable<std::error_code> emit(Reply& reply, const Request* request, bool keep_alive,
                                          std::chrono::system_clock::time_point wall);
    core::awaitable<std::error_code> flush();
    // Sends out_ at once if the socket takes it all (plain TCP); false with what is left kept in
    // out_, or with `ec` set on a failure.
    bool flushed_now(std::error_code& ec);
    // Answers a broken request with its status and closes (no access to a parsed request).
    core::awaitable<void> fail(Status status);

    core::Stream& stream_;
    const Handler& handler_;
    const ConnectionOptions& options_;
    h1::RequestParser parser_;
    static constexpr std::size_t input_size = 16384;
    std::unique_ptr<char[]> input_;
    std::string out_;                     // heads and small bodies waiting to be written
    std::string body_;                    // the current request's content
    std::size_t served_ = 0;
};

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

core::awaitable<std::error_code> Connection::emit(Reply& reply, const Request* request, bool keep_alive,
                                                 std::chrono::system_clock::time_point wall)
{
    Response& response = reply.response;
    response.version = Version{1, 1};
    Fields& f = response.fields;
    f.add_valid("Server", "layer7");
    f.add_valid("Date", current_date(wall));
    const std::uint64_t size = reply.body_size();
    // An HTTP/1.0 client does not know chunked: the end of the connection ends the body.
    const bool chunked = reply.chunked && !forbids_content(response.status);
    if (chunked && request && request->version.minor == 0)
        keep_alive = false;
    else if (chunked)
        f.add_valid("Transfer-Encoding", "chunked");
    else if (!forbids_content(response.status))
        f.add_valid("Content-Length", std::to_string(size));
    if (!keep_alive)
        f.add_valid("Connection", "close");
    else if (request && request->version.minor == 0)
        f.add_valid("Connection", "keep-alive");  // HTTP/1.0 persistence must be confirmed (RFC 9112 §9.3)

    const std::size_t head_at = out_.size();
    if (!h1::append_response_head(out_, response)) {
        // A field value with CR/LF would split the response: never send it.
        spdlog::error("http: refusing to send an invalid response head");
        Reply broken = error_reply(Status::internal_server_error);
        broken.response.fields.add("Connection", "close");
        broken.response.fields.add("Content-Length", std::to_string(broken.body_size()));
        h1::append_response_head(out_, broken.response);
        reply = std::move(broken);
    }
    if (core::Trace::instance().enabled()) {
        std::string_view head(out_);
        head = head.substr(head_at, head.find('\r', head_at) - head_at);
        core::Trace::instance().line(stream_.id(), core::Speaker::server, head);
    }
    // RFC 9110 §9.3.2: whatever the status, a response to HEAD has no content.
    const bool no_body = (request && request->method == MethodId::head) || forbids_content(reply.response.status);
    if (options_.access_log) {
        const std::string client = stream_.peer().address().to_string();
        const int status = code(reply.response.status);
        if (request)
            options_.access_log->write(client, *request, status, no_body ? 0 : size, wall);
        else
            options_.access_log->write_rejected(client, status, size, wall);
    }
    if (no_body)
        co_return std::error_code{};
    const bool chunk_pieces = chunked && !(request && request->version.minor == 0);

    for (const BodyPiece& piece : reply.body) {
        if (chunk_pieces) {
            if (piece.size() == 0)
                continue;  // an empty chunk would end the body
            h1::append_chunk_header(out_, piece.size());
        }
        if (piece.file) {
            auto ec = co_await stream_.send_file(piece.file->fd, piece.offset, piece.length, out_);
            out_.clear();
            if (ec)
                co_return ec;
            if (chunk_pieces)
                out_.append(h1::chunk_end);
            continue;
        }
        const std::string_view bytes = piece.bytes();
        if (bytes.size() <= gather_threshold) {
            out_.append(bytes);
            if (chunk_pieces)
                out_.append(h1::chunk_end);
            continue;
        }
        // A large in-memory body: head and body in one gathered write, without copying the body.
        std::vector<asio::const_buffer> buffers{asio::buffer(out_), asio::buffer(bytes.data(), bytes.size())};
        auto ec = co_await stream_.write_gather(buffers);
        out_.clear();
        if (ec)
            co_return ec;
        if (chunk_pieces)
            out_.append(h1::chunk_end);
    }
    if (chunk_pieces)
        h1::append_last_chunk(out_);
    co_return std::error_code{};
}

core::awaitable<void> Connection::fail(Status status)
{
    Reply reply = error_reply(status);
    co_await emit(reply, nullptr, false, std::chrono::system_clock::now());
    co_await flush();
}

core::awaitable<void> Connection::run()
{
    bool in_message = false;             // bytes of a request have arrived, its head is not complete
    Clock::time_point message_started{};
    bool head_seen = false;

    for (;;) {
        const h1::Event event = parser_.next();
        switch (event.kind) {
        case h1::EventKind::need_more: {
            // Most answers fit in the socket buffer: sent here without the coroutine flush() is.
            if (std::error_code sent_ec; !out_.empty() && !flushed_now(sent_ec)) {
                if (sent_ec)
                    co_return;
                auto flush_ec = co_await flush();
                if (flush_ec)
                    co_return;
            }
            // Between requests the keep-alive timeout applies; inside a head, what is left of
            // the header timeout (a slow sender must not hold the connection forever).
            auto timeout = std::chrono::duration_cast<Clock::duration>(options_.limits.idle_timeout);
            if (in_message && !head_seen) {
                const auto left = message_started + options_.header_timeout - core::coarse_steady_now();
                if (left <= Clock::duration::zero()) {
                    spdlog::info("http: {} sent no complete header within {}s", stream_.peer_string(),
                                 options_.header_timeout.count());
                    co_await fail(Status::request_timeout);
                    co_return;
                }
                timeout = std::min(timeout, left);
            }
            stream_.set_timeout(timeout);
            auto [ec, n] = co_await stream_.read_some(asio::buffer(input_.get(), input_size));
            if (ec) {
                if (stream_.timed_out() && in_message && !head_seen) {
                    spdlog::info("http: {} sent no complete header within {}s", stream_.peer_string(),
                                 options_.header_timeout.count());
                    co_await fail(Status::request_timeout);
                }
                co_return;  // closed, reset, or idle between requests: nothing to answer
            }
            if (!in_message) {
                in_message = true;
                head_seen = false;
                message_started = core::coarse_steady_now();
            }
            parser_.feed(std::string_view(input_.get(), n));
            break;
        }
        case h1::EventKind::head: {
            head_seen = true;
            body_.clear();
            const Request& request = parser_.request();
            if (core::Trace::instance().enabled())
                core::Trace::instance().line(stream_.id(), core::Speaker::client,
                                             std::string(request.method.name()) + " " + request.target + " HTTP/" +
                                                 std::to_string(request.version.major) + "." +
                                                 std::to_string(request.version.minor));
            const auto expect = h1::expectation(request);
            if (expect == h1::Expectation::unsupported) {
                co_await fail(Status::expectation_failed);
                co_return;
            }
            if (expect == h1::Expectation::continue_ && parser_.framing().kind != h1::BodyKind::none) {
                // RFC 9110 §10.1.1: say 100 only if we will read the body; otherwise the final status.
                if (parser_.framing().kind == h1::BodyKind::length &&
                    parser_.framing().length > options_.limits.max_message) {
                    co_await fail(Status::content_too_large);
                    co_return;
                }
                out_ += "HTTP/1.1 100 Continue\r\n\r\n";
                if (auto ec = co_await flush())
                    co_return;
            }
            break;
        }
        case h1::EventKind::data:
            body_.append(event.data);
            break;
        case h1::EventKind::complete: {
            in_message = false;
            const Request& request = parser_.request();
            // One reading of each clock per request: the message's start stands for "now".
            const auto wall = core::coarse_system_now();
            RequestContext context{stream_.is_tls(), message_started,
                                   std::chrono::time_point_cast<std::chrono::seconds>(wall)};
            Reply reply = handler_.handle(request, body_, context);
            const bool keep = h1::keep_alive(request) && !reply.close && ++served_ < options_.max_requests;
            if (auto ec = co_await emit(reply, &request, keep, wall))
                co_return;
            if (!keep) {  // pipelined requests after this one are not answered (RFC 9112 §9.6)
                co_await flush();
                co_return;
            }
            if (body_.capacity() > (1u << 20))
                std::string().swap(body_);  // do not keep a large upload's buffer for the next request
            break;
        }
        case h1::EventKind::error: {
            const h1::Error error = parser_.error();
            spdlog::info("http: {} from {}", h1::describe(error), stream_.peer_string());
            co_await fail(h1::status_for(error));
            co_return;
        }
        }
    }
}

}  // namespace

core::awaitable<void> serve_h1(core::Stream& stream, const Handler& handler, const ConnectionOptions& options)
{
    Connection connection(stream, handler, options);
    co_await connection.run();
}

}  // namespace layer7::http
