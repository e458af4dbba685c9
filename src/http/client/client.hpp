// The HTTP/1.1 and HTTP/2 client shell: a pool of persistent connections per origin (RFC 9112 §9.3)
// or one multiplexed HTTP/2 connection per origin (h2_connection.hpp),
// http proxies (absolute-form) and CONNECT tunnels for https through them (RFC 9110 §9.3.6),
// TLS with certificate and host-name verification, connect and idle timeouts. One request,
// one response: redirects, cookies and content codings are the caller's (fetch.hpp). Bodies stream
// both ways (open(), core::ByteSource) with bounded memory; send() holds them whole.
// Not thread-safe: one Client per thread (its sockets belong to that thread's io_context).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <unordered_map>
#include <vector>

#include <asio/ssl/context.hpp>

#include "core/net/asio.hpp"
#include "core/net/byte_source.hpp"
#include "core/net/resolve.hpp"
#include "core/result.hpp"
#include "http/client/error.hpp"
#include "http/h1/message_parser.hpp"
#include "http/message/message.hpp"
#include "http/message/target.hpp"

namespace layer7::http::client {

// HTTP/2 (RFC 9113): off; on https when the server picks it by ALPN (as curl --http2); or on
// http and https without asking (curl --http2-prior-knowledge). Never through a proxy.
enum class Http2 { off, alpn, prior_knowledge };

struct Options {
    std::shared_ptr<asio::ssl::context> tls;  // for https; null: the system's CAs, verifying
    Http2 http2 = Http2::off;
    std::optional<Url> proxy;                  // http://host:port
    std::shared_ptr<core::NameService> names;  // null: the hosts file, then the system resolver
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds io_timeout{30000};  // no byte moving for this long
    bool keep_alive = true;
    // `layer7 get --rtt`: a delay per round trip — TCP set-up, TLS handshake, each request and its
    // response — so loopback shows what a distant server costs (no root or netem needed).
    std::chrono::milliseconds emulated_rtt{0};
    std::size_t max_idle_per_origin = 8;
    h1::ParserLimits limits;
};

struct Timing {
    using Duration = std::chrono::steady_clock::duration;
    Duration connect{};     // TCP (+ CONNECT + TLS); zero for a reused connection
    Duration first_byte{};  // from sending the request to the first response byte
    Duration total{};
    bool reused = false;  // sent on a pooled connection
};

struct Exchange {
    Response response;
    std::string body;  // transfer coding removed, content coding as received
    Timing timing;
    std::string peer;          // the address we talked to (the proxy's when there is one)
    std::string request_head;  // the head as sent (for -v)
};

// The final response head with its content still on the connection.
struct ResponseStream {
    Response response;
    // Content as the caller pulls it: transfer coding removed, content coding as received; empty
    // for HEAD, 204 and 304; size() is the Content-Length when there is one. Read to its end, it
    // gives the connection back to the pool (keep-alive); destroyed before, it closes it.
    // It uses its Client: the Client must outlive it.
    std::unique_ptr<core::ByteSource> body;
    Timing timing;             // total: up to the final head
    std::string peer;          // as in Exchange
    std::string request_head;  // as in Exchange
};

// What an error from a body reader (ResponseStream::body, or a decoder over it) means.
Failure body_failure(const std::error_code& ec, const std::string& peer);

struct Connection;
class ResponseBody;
class H2Connection;

// The Host field (and HTTP/2 :authority) for a URL: the port only when it is not the scheme's.
std::string host_field(const Url& url);

class Client {
public:
    explicit Client(Options options);
    ~Client();
    Client(const Client&) = delete;

    // Sends `request` to `url` and returns the final response head (1xx skipped); the content is
    // read through the returned body reader. The request body is pulled from `body` to its end
    // before this returns, framed by Content-Length when body->size() is known, else chunked. The
    // target, Host, Content-Length and Connection are set as for send(). A request on a pooled
    // connection the server closed meanwhile is retried once, unless a body byte was pulled already.
    core::awaitable<core::Result<ResponseStream, Failure>> open(const Url& url, Request request,
                                                                core::ByteSource* body = nullptr);
    // Sends `request` to `url` and reads the whole response (limits.max_body). The target is set
    // from the URL (absolute-form through an http proxy); Host, Content-Length and Connection are
    // added when missing. A request on a pooled connection the server closed meanwhile is retried once.
    core::awaitable<core::Result<Exchange, Failure>> send(const Url& url, Request request, std::string body);
    // Closes the pooled connections, and the HTTP/2 ones (their exchanges in flight fail).
    void close_idle();
    std::size_t idle_connections() const;

private:
    friend class ResponseBody;
    // A request body: pulled from `source`, or held whole in `whole` (send(): replayable on a retry).
    struct Body {
        core::ByteSource* source = nullptr;
        std::string_view whole;
    };
    core::awaitable<core::Result<ResponseStream, Failure>> start(const Url& url, Request request, Body body);
    core::awaitable<core::Result<std::unique_ptr<Connection>, Failure>> connect(const Url& url);
    // Writes the head and the body; `pulled` tells whether the body source was read from.
    core::awaitable<std::optional<Failure>> write_request(Connection& c, const std::string& head, Body body,
                                                          bool chunked, bool& pulled);
    std::string pool_key(const Url& url) const;
    // Waits one emulated round trip (Options::emulated_rtt); at once when there is none.
    core::awaitable<void> round_trip() const;
    // Takes back a connection whose response was read to its end.
    void pool(const std::string& key, std::unique_ptr<Connection> c);

    // The HTTP/2 connection for `url`'s origin, made when there is none; no connection when an
    // https server chose HTTP/1.1 (its connection then waits in the HTTP/1.1 pool).
    struct H2Pick {
        std::shared_ptr<H2Connection> connection;
        Timing::Duration connect{};
        bool reused = false;
    };
    core::awaitable<core::Result<H2Pick, Failure>> h2_connection(const Url& url, const std::string& key);

    Options options_;
    std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
    std::unordered_map<std::string, std::shared_ptr<H2Connection>> h2_;  // one per origin, shared by its streams
    // The origins whose HTTP/2 connection is being made: cancelled when it is ready (or failed).
    std::unordered_map<std::string, std::shared_ptr<asio::steady_timer>> h2_connecting_;
};

}  // namespace layer7::http::client
