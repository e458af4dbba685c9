// ServerConnection: the connection rules of an HTTP/1.1 server as a pure object beside the parser —
// keep-alive and the request cap, pipelining order, 100-continue with its size precheck, the header
// and idle timeouts, what is left of an unread request body, and error → status → close.
//
// Theory of operation: the shell feeds received bytes and pulls events. `request` comes once per
// request with the head complete; its content follows as `body` events and one `body_end`, pulled
// while the handler reads the body (or drained after the reply). The next request's events start
// only after plan_reply() has been called for this one, so pipelined requests are answered in order.
// `reject` means: answer status() (nothing else) and close. Times are passed in; no clock is read.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/h1/request_parser.hpp"

namespace layer7::http::h1 {

struct ServerRules {
    using Duration = std::chrono::steady_clock::duration;
    ParserLimits parser;
    Duration header_timeout = std::chrono::seconds(30);  // the whole head, from its first byte; else 408
    Duration idle_timeout = std::chrono::seconds(75);    // between requests and between body bytes
    std::size_t max_requests = 1000;                     // per connection (nginx keepalive_requests)
    // An unread request body up to this size is read and dropped after the reply to keep the
    // connection; a larger one closes it (as nginx's discard_body, and without its lingering).
    std::uint64_t max_drain = 256 * 1024;
};

enum class ServerEventKind : std::uint8_t {
    need_more,  // read and feed(); read_timeout() says for how long
    request,    // a request head: request()
    body,       // request content bytes (data), valid until the next feed()
    body_end,   // the request's content is complete
    reject,     // answer reject_status() and close
};

struct ServerEvent {
    ServerEventKind kind = ServerEventKind::need_more;
    std::string_view data;
};

// What to do after a handler's reply.
struct ReplyPlan {
    bool keep_alive = false;  // otherwise `Connection: close`, then close after writing
    bool drain = false;       // read and drop the rest of the request body after writing the reply
};

class ServerConnection {
public:
    using Clock = std::chrono::steady_clock;
    // `served`: requests this connection answered before (a connection taken up again after it
    // was parked; see idle()), counted against max_requests.
    explicit ServerConnection(const ServerRules& rules, std::size_t served = 0);

    void feed(std::string_view bytes, Clock::time_point now);
    ServerEvent next();
    // The peer closed its side: a half-received request is a 400, nothing buffered means just close.
    ServerEvent on_peer_closed();
    // How long the next read may wait; zero: the header timeout has passed (answer 408, close).
    Clock::duration read_timeout(Clock::time_point now) const;
    // Whether a timed-out read gets 408 (inside a head) or a silent close (idle, or mid-body).
    bool timeout_gets_408() const { return in_head(); }

    const Request& request() const { return parser_.request(); }
    Status reject_status() const { return reject_; }
    // When the current message started (first byte of its head).
    Clock::time_point message_started() const { return started_; }
    bool has_body() const { return parser_.framing().kind != BodyKind::none; }
    // The announced content length (Content-Length), when there is one.
    std::optional<std::uint64_t> body_length() const
    {
        return parser_.framing().kind == BodyKind::length ? std::optional(parser_.framing().length) : std::nullopt;
    }
    bool body_done() const { return body_done_; }
    std::uint64_t body_bytes() const { return parser_.body_bytes(); }

    // 100-continue (RFC 9110 §10.1.1): owed when the client waits for it before sending a body; the
    // shell sends continue_line the first time the handler asks for the body, and only then.
    bool continue_owed() const { return continue_owed_; }
    static constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
    void continue_sent() { continue_owed_ = false; }

    // Called once per request when the reply is ready. `reply_close`: the handler wants to close.
    ReplyPlan plan_reply(bool reply_close);
    // Whether the client may still be sending when we close: a request refused or closed by us
    // rather than by the client, an unread body, or pipelined bytes not yet parsed. Closing then
    // makes the kernel send RST, which can destroy responses the client has not read yet (§9.6).
    bool linger_on_close() const { return rejected_ || closed_by_us_ || !body_done_ || !parser_.buffered().empty(); }
    // After a 101 or a CONNECT tunnel: the bytes that followed the request belong to the new protocol.
    std::string take_buffered() { return parser_.take_buffered(); }
    // No request being answered and no body being read: a keep-alive wait, or a head still
    // arriving (a stopping server may close either; nothing was done for it yet).
    bool between_requests() const { return !in_request_ && body_done_; }
    // A keep-alive wait with not a byte of the next request here: nothing but served() needs to
    // be kept, so the shell may drop this object and start a new one when the client sends again.
    bool idle() const { return between_requests() && !in_message_ && parser_.buffered().empty(); }
    std::size_t served() const { return served_; }
    // A keep-alive wait: gives back the memory of the last request and the input buffer.
    void release_idle_memory()
    {
        if (between_requests() && !in_message_)
            parser_.release_memory();
    }

private:
    bool in_head() const { return in_message_ && !head_seen_; }
    ServerEvent reject(Status status);

    ServerRules rules_;
    RequestParser parser_;
    Clock::time_point started_{};
    std::size_t served_ = 0;
    Status reject_ = Status::bad_request;
    bool in_message_ = false;  // bytes of a request arrived and its head is not complete
    bool head_seen_ = false;
    bool in_request_ = false;  // between `request` and plan_reply()
    bool body_done_ = true;
    bool continue_owed_ = false;
    bool draining_ = false;  // after plan_reply(), until the unread body's end
    bool rejected_ = false;
    bool closed_by_us_ = false;  // the last reply closes a connection the client wanted to keep
};

}  // namespace layer7::http::h1
