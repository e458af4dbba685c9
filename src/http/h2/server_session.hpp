// h2::ServerSession: one HTTP/2 server connection as a pure object (RFC 9113), on nghttp2's
// session layer and HPACK: bytes from the client go in through feed(), bytes for the client come
// out of output(), and requests, body data and stream ends come out as events. It owns the
// protections: SETTINGS we advertise, flow control that credits the client only for body bytes the
// application consumed, header-list and CONTINUATION limits, the Rapid Reset cap, SETTINGS/PING
// flood caps, RFC 9218 priorities (the `priority` field and PRIORITY_UPDATE drive nghttp2's
// scheduler; the RFC 7540 tree is parsed and ignored). No sockets, no clocks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/message/message.hpp"

struct nghttp2_session;

namespace layer7::http::h2 {

// Named limits (RFC 9113 §6.5.2 settings and the flood caps).
struct SessionLimits {
    std::uint32_t max_concurrent_streams = 128;   // beyond: REFUSED_STREAM
    std::uint32_t stream_window = 1u << 20;       // request body bytes a stream may have unconsumed
    std::uint32_t connection_window = 16u << 20;  // and all streams together
    std::uint32_t max_header_list = 64 * 1024;    // RFC 9113 §6.5.2 size; beyond: 431
    std::size_t max_continuations = 8;            // CONTINUATION flood: more frames close the connection
    std::uint64_t reset_burst = 1000;             // Rapid Reset (CVE-2023-44487): RST_STREAMs allowed at once
    std::uint64_t reset_rate = 33;                // and per second after that
    std::size_t max_settings_entries = 32;        // per SETTINGS frame
    std::size_t max_outbound_ack = 1000;          // SETTINGS/PING ACKs queued unsent: a flood
};

// Error codes of RST_STREAM and GOAWAY that the application sends (RFC 9113 §7).
constexpr std::uint32_t cancel = 0x8;

// A response body the session pulls as the flow-control windows open.
class OutBody {
public:
    enum class State { more, end, wait, fail };
    struct Pulled {
        std::size_t n = 0;
        State state = State::more;  // end: these are the last bytes; wait: resume() when there is more
    };
    virtual ~OutBody() = default;
    virtual Pulled pull(std::uint8_t* buffer, std::size_t max) = 0;
};

// What the session reports while it decodes input (called from inside feed()).
class SessionEvents {
public:
    virtual ~SessionEvents() = default;
    // A complete request head; `end_stream`: no body follows.
    virtual void on_request(std::int32_t stream, Request&& request, bool end_stream) = 0;
    virtual void on_data(std::int32_t stream, std::string_view data) = 0;
    virtual void on_end_stream(std::int32_t stream) = 0;
    // The stream is gone (answered, reset by either side, or the connection failed).
    virtual void on_stream_close(std::int32_t stream, std::uint32_t error_code) = 0;
    // A line for --trace: a frame (`ours` = sent by us) or one decoded field of it.
    virtual void on_trace(bool ours, std::string_view line) = 0;
};

class ServerSession {
public:
    // `trace`: report frames through on_trace (costs a string per frame).
    ServerSession(SessionEvents& events, const SessionLimits& limits, bool trace);
    ~ServerSession();
    ServerSession(const ServerSession&) = delete;

    // The client's bytes; false on a connection error (a GOAWAY naming it is queued in output()).
    bool feed(std::string_view bytes);
    // h2c by Upgrade (RFC 7540 §3.2): `settings` is the decoded HTTP2-Settings payload; stream 1
    // is the upgraded request, already complete. False when the payload is invalid.
    bool upgrade(std::string_view settings, bool head_request);

    // The final response for `stream`; `body` null for none (it must outlive the stream otherwise).
    void respond(std::int32_t stream, const Response& response, OutBody* body);
    // An informational response (103 Early Hints) before the final one.
    void inform(std::int32_t stream, const Response& response);
    void resume(std::int32_t stream);  // the body that said wait has more
    void reset(std::int32_t stream, std::uint32_t error_code);
    // `n` body bytes of `stream` were consumed: the client may send that many more.
    void consume(std::int32_t stream, std::size_t n);
    // Graceful shutdown (RFC 9113 §6.8): the first call announces it, the second refuses new streams.
    void shutdown_notice();
    void goaway();

    // Appends pending frames to `out` (at least up to `soft_max` bytes when there are that many).
    // False on a fatal error.
    bool output(std::string& out, std::size_t soft_max);
    bool want_write() const;
    // The connection is finished: both sides have nothing more to say.
    bool done() const;

private:
    struct Incoming;  // a request whose head is being decoded
    friend struct Callbacks;

    void trace_frame(bool ours, const void* frame);
    void finish_head(std::int32_t stream, bool end_stream);

    SessionEvents& events_;
    SessionLimits limits_;
    bool trace_;
    nghttp2_session* session_ = nullptr;
    std::unordered_map<std::int32_t, std::unique_ptr<Incoming>> incoming_;
    std::vector<std::string> trace_fields_;  // decoded fields, traced after their frame line
};

}  // namespace layer7::http::h2
