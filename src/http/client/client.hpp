// The HTTP/1.1 client shell: a pool of persistent connections per origin (RFC 9112 §9.3),
// http proxies (absolute-form) and CONNECT tunnels for https through them (RFC 9110 §9.3.6),
// TLS with certificate and host-name verification, connect and idle timeouts. One request,
// one response: redirects, cookies and content codings are the caller's (fetch.hpp).
// Not thread-safe: one Client per thread (its sockets belong to that thread's io_context).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <asio/ssl/context.hpp>

#include "core/net/asio.hpp"
#include "core/result.hpp"
#include "http/client/error.hpp"
#include "http/h1/message_parser.hpp"
#include "http/message/message.hpp"
#include "http/message/target.hpp"

namespace layer7::http::client {

struct Options {
    std::shared_ptr<asio::ssl::context> tls;  // for https; null: the system's CAs, verifying
    std::optional<Url> proxy;                 // http://host:port
    std::chrono::milliseconds connect_timeout{10000};
    std::chrono::milliseconds io_timeout{30000};  // no byte moving for this long
    bool keep_alive = true;
    std::size_t max_idle_per_origin = 8;
    h1::ParserLimits limits;
};

struct Timing {
    using Duration = std::chrono::steady_clock::duration;
    Duration connect{};     // TCP (+ CONNECT + TLS); zero for a reused connection
    Duration first_byte{};  // from sending the request to the first response byte
    Duration total{};
    bool reused = false;    // sent on a pooled connection
};

struct Exchange {
    Response response;
    std::string body;  // transfer coding removed, content coding as received
    Timing timing;
    std::string peer;          // the address we talked to (the proxy's when there is one)
    std::string request_head;  // the head as sent (for -v)
};

class Client {
public:
    explicit Client(Options options);
    ~Client();
    Client(const Client&) = delete;

    // Sends `request` to `url` and reads the response. The target is set from the URL
    // (absolute-form through an http proxy); Host, Content-Length and Connection are added
    // when missing. A request on a pooled connection the server closed meanwhile is retried once.
    core::awaitable<core::Result<Exchange, Failure>> send(const Url& url, Request request, std::string body);
    // Closes the pooled connections.
    void close_idle();
    std::size_t idle_connections() const;

private:
    struct Connection;
    core::awaitable<core::Result<std::unique_ptr<Connection>, Failure>> open(const Url& url);
    core::awaitable<core::Result<Exchange, Failure>> exchange(Connection& c, const Request& request,
                                                              const std::string& head, const std::string& body,
                                                              bool& got_bytes);
    std::string pool_key(const Url& url) const;

    Options options_;
    std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
};

}  // namespace layer7::http::client
