// The HTTP application interface: everything served over HTTP — files, forms, the proxy, and later
// web mail, the tracker, WebSocket, DASH, CGI — is a Handler. The connection shells (HTTP/1.1 now,
// HTTP/2 later) run the same handlers: they parse, enforce the connection rules and frame the reply;
// the handler sees only HTTP semantics. See README "Adding an HTTP handler".
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <variant>

#include "core/net/byte_source.hpp"
#include "core/net/duplex.hpp"
#include "core/net/stream.hpp"
#include "core/net/worker_slots.hpp"
#include "core/runtime/blocking_pool.hpp"
#include "http/message/message.hpp"
#include "http/server/reply.hpp"

namespace layer7::http {

struct RequestContext {
    bool tls = false;
    std::chrono::steady_clock::time_point now;  // when the request's first byte arrived
    std::chrono::sys_seconds wall;              // the same moment on the wall clock (Date)
    const asio::ip::tcp::endpoint* peer = nullptr;
    // Where a handler runs what waits on the disk (PUT's fsync); null outside a runtime (tests):
    // core::run_blocking then runs it in place.
    core::BlockingPool* blocking = nullptr;
    // The worker the request runs on, set by the connection shells: its per-worker state (the
    // file cache). Null only for a handler called by hand (tests).
    core::WorkerSlots* worker = nullptr;
    // Set by the Router: the percent-decoded, normalised path ("/a/b"), the raw query (without
    // '?') and the mount prefix that matched. Empty for a handler that is not behind a Router.
    std::string_view path;
    std::string_view query;
    std::string_view mount;
};

// A request as a handler sees it. `body` yields the content as it arrives (after 100 Continue when
// the client asked for it); over the service's max_message it fails with std::errc::message_size.
struct Exchange {
    const Request& request;
    core::ByteSource& body;
    RequestContext context;
};

// 101 Switching Protocols, or a 2xx to CONNECT (on HTTP/2 also an extended CONNECT, RFC 8441):
// after `response` the shell hands `run` the connection — over HTTP/2 the request's stream — with
// the bytes that already followed the request, and ends it when `run` returns. The shell keeps the
// Upgrade alive until then, so `run` may be a coroutine lambda with captures.
struct Upgrade {
    Response response;
    std::function<core::awaitable<void>(core::Duplex& peer, std::string already_read)> run;
};

using Outcome = std::variant<Reply, Upgrade>;

class Handler {
public:
    virtual ~Handler() = default;
    // Answers one request; may read the body, wait on other services, stream the reply.
    virtual core::awaitable<Outcome> handle(Exchange& exchange) = 0;
    // The fast path for a request without a body: an answer at once, without a coroutine frame
    // (static files from the memory cache), or nullopt to go through handle().
    virtual std::optional<Reply> handle_now(const Request&, const RequestContext&) { return std::nullopt; }
};

// Reads the whole body into `out`, up to `max` bytes (std::errc::message_size beyond).
core::awaitable<std::error_code> read_body(core::ByteSource& body, std::string& out, std::size_t max);
// The reply for a body that could not be read: 413 over the limit, else 400.
Reply body_error_reply(std::error_code ec);
// 204 with Allow for OPTIONS, 405 with Allow for a method a resource does not take (RFC 9110 §9.3.7, §15.5.6).
Reply options_reply(std::string_view allow);
Reply not_allowed_reply(std::string_view allow);

}  // namespace layer7::http
