// h2::ClientSession: one HTTP/2 client connection as a pure object (RFC 9113) on nghttp2's session
// layer and HPACK — requests go in through submit(), bytes for the server come out of output(),
// the server's bytes go in through feed(), and response heads, body data and stream ends come out
// as events. Several requests share the connection, their responses interleaved frame by frame:
// that is what ends HTTP/1.1's head-of-line blocking. No sockets, no clocks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "http/h2/server_session.hpp"
#include "http/message/message.hpp"

struct nghttp2_session;

namespace layer7::http::h2 {

class ClientEvents {
public:
    virtual ~ClientEvents() = default;
    // The final response head of `stream` (1xx heads are skipped).
    virtual void on_response(std::int32_t stream, Response&& response) = 0;
    virtual void on_data(std::int32_t stream, std::string_view data) = 0;
    // The stream is over: `error_code` 0 when the response ended normally.
    virtual void on_stream_close(std::int32_t stream, std::uint32_t error_code) = 0;
    virtual void on_trace(bool ours, std::string_view line) = 0;
};

class ClientSession {
public:
    // `limits`: the windows we grant the server and the header-list size we accept.
    ClientSession(ClientEvents& events, const SessionLimits& limits, bool trace);
    ~ClientSession();
    ClientSession(const ClientSession&) = delete;

    // Queues a request (`body` sent whole, none when empty); the stream id, or -1 when the
    // connection takes no more streams. Connection-specific fields are not sent (RFC 9113 §8.2.2).
    std::int32_t submit(const Request& request, std::string_view scheme, std::string_view authority, std::string body);
    // The server's bytes; false on a connection error (a GOAWAY is queued in output()).
    bool feed(std::string_view bytes);
    // `n` body bytes of `stream` were consumed: the server may send that many more.
    void consume(std::int32_t stream, std::size_t n);
    // Appends pending frames to `out`; false on a fatal error.
    bool output(std::string& out, std::size_t soft_max);
    bool want_write() const;
    // True when the server sent GOAWAY or the session failed: no new streams.
    bool closing() const;
    void goaway();

private:
    struct Stream;  // a response being received
    friend struct ClientCallbacks;

    void trace_frame(bool ours, const void* frame);

    ClientEvents& events_;
    SessionLimits limits_;
    bool trace_;
    nghttp2_session* session_ = nullptr;
    std::unordered_map<std::int32_t, std::unique_ptr<Stream>> streams_;
    std::vector<std::string> trace_fields_;
};

}  // namespace layer7::http::h2
