// One HTTP/2 client connection: see h2_connection.hpp.
#include "http/client/h2_connection.hpp"

#include "core/trace/trace.hpp"

namespace layer7::http::client {
namespace {

using Clock = std::chrono::steady_clock;

h2::SessionLimits session_limits(const Options& options)
{
    h2::SessionLimits limits;
    limits.max_header_list = static_cast<std::uint32_t>(options.limits.max_field_section);
    limits.stream_window = 4u << 20;  // enough for a fast link's bandwidth-delay product
    limits.connection_window = 16u << 20;
    return limits;
}

// The request as it would look in HTTP/1.1, with "HTTP/2" for the version: what -v prints.
std::string head_text(const Request& request, const Url& url)
{
    std::string head = std::string(request.method.name()) + " " + url.path_and_query + " HTTP/2\r\n";
    for (const auto& f : request.fields)
        head += std::string(f.name) + ": " + std::string(f.value) + "\r\n";
    return head + "\r\n";
}

}  // namespace

H2Connection::H2Connection(std::unique_ptr<Connection> connection, const Options& options,
                           asio::any_io_executor executor)
    : connection_(std::move(connection)), options_(options), executor_(std::move(executor)),
      session_(*this, session_limits(options), core::Trace::instance().enabled()), writer_wake_(executor_)
{
}

H2Connection::~H2Connection() = default;

void H2Connection::start()
{
    connection_->stream->set_timeout(options_.io_timeout);
    asio::co_spawn(
        executor_, [self = shared_from_this()]() { return self->reader(); }, asio::detached);
    asio::co_spawn(
        executor_, [self = shared_from_this()]() { return self->writer(); }, asio::detached);
}

void H2Connection::close()
{
    dead_ = true;
    std::error_code ignored;
    connection_->stream->socket().cancel(ignored);
    writer_wake_.notify();
}

void H2Connection::fail_all()
{
    for (auto& [id, p] : pending_) {
        p->finished = true;
        p->error = p->error ? p->error : 2;  // INTERNAL_ERROR: the connection, not the stream
        p->done.notify();
    }
    pending_.clear();
}

core::awaitable<void> H2Connection::reader()
{
    std::string buffer(16384, '\0');
    while (!dead_) {
        auto [ec, n] = co_await connection_->stream->read_some(asio::buffer(buffer));
        if (ec || n == 0) {
            failure_ = connection_->stream->timed_out() ? "timed out" : ec ? ec.message() : "closed by the server";
            break;
        }
        if (!session_.feed(std::string_view(buffer.data(), n))) {
            failure_ = "HTTP/2 protocol error from the server";
            break;
        }
        writer_wake_.notify();  // SETTINGS and PING ACKs, WINDOW_UPDATEs
        if (session_.closing() && pending_.empty())
            break;  // the server said GOAWAY and every stream it still serves is done: close
    }
    dead_ = true;
    fail_all();
    writer_wake_.notify();
}

core::awaitable<void> H2Connection::writer()
{
    std::string out;
    while (!dead_ || session_.want_write()) {
        out.clear();
        if (!session_.output(out, 64 * 1024))
            break;
        if (!out.empty()) {
            if (co_await connection_->stream->write(out, false))
                break;
            continue;
        }
        if (dead_)
            break;
        co_await writer_wake_.wait();
    }
    dead_ = true;
    std::error_code ignored;
    connection_->stream->socket().cancel(ignored);  // the reader may still wait on the socket
}

core::awaitable<core::Result<Exchange, Failure>> H2Connection::exchange(const Url& url, const Request& request,
                                                                        std::string body)
{
    const auto sent = Clock::now();
    Exchange out;
    out.peer = connection_->peer;
    out.request_head = head_text(request, url);
    const std::int32_t id = session_.submit(request, url.scheme, host_field(url), std::move(body));
    if (id < 0 || dead_)
        co_return core::fail(
            Failure{Error::closed, connection_->peer + ": the HTTP/2 connection takes no more requests", true});
    if (core::Trace::instance().enabled())
        core::Trace::instance().note(
            connection_->stream->id(),
            "stream " + std::to_string(id) + ": " + std::string(request.method.name()) + " " + url.path_and_query);
    Pending pending(executor_);
    pending_[id] = &pending;
    writer_wake_.notify();
    while (!pending.finished)
        co_await pending.done.wait();
    if (!pending.has_response || pending.error != 0) {
        constexpr std::uint32_t refused_stream = 7;  // also how a stream above a GOAWAY's last one ends
        const bool refused = !pending.has_response && pending.error == refused_stream;
        const std::string why = refused             ? "stream " + std::to_string(id) + " refused by the server"
                                : !failure_.empty() ? failure_
                                                    : "stream " + std::to_string(id) + " reset by the server";
        co_return core::fail(Failure{pending.has_response ? Error::closed : Error::empty_reply,
                                     connection_->peer + ": " + why, refused});
    }
    out.response = std::move(pending.response);
    out.body = std::move(pending.body);
    out.timing.first_byte = pending.first_byte - sent;
    out.timing.total = Clock::now() - sent;
    co_return out;
}

void H2Connection::on_response(std::int32_t stream, Response&& response)
{
    auto it = pending_.find(stream);
    if (it == pending_.end())
        return;
    it->second->response = std::move(response);
    it->second->has_response = true;
    it->second->first_byte = Clock::now();
}

void H2Connection::on_data(std::int32_t stream, std::string_view data)
{
    session_.consume(stream, data.size());
    auto it = pending_.find(stream);
    if (it == pending_.end())
        return;
    if (it->second->body.size() + data.size() > options_.limits.max_body) {
        it->second->error = 8;  // CANCEL: the body is over the size limit
        return;
    }
    it->second->body.append(data);
}

void H2Connection::on_stream_close(std::int32_t stream, std::uint32_t error_code)
{
    auto it = pending_.find(stream);
    if (it == pending_.end())
        return;
    Pending& p = *it->second;
    pending_.erase(it);
    p.error = p.error ? p.error : error_code;
    p.finished = true;
    p.done.notify();
}

void H2Connection::on_trace(bool ours, std::string_view line)
{
    core::Trace::instance().line(connection_->stream->id(), ours ? core::Speaker::client : core::Speaker::server, line);
}

}  // namespace layer7::http::client
