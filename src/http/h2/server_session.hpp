// h2::ServerSession: one HTTP/2 server connection as a pure object (RFC 9113), with our own
// framing, stream states and flow control, and nghttp2's HPACK: bytes from the client go in
// through feed(), bytes for the client come out of output(), and requests, body data and stream
// ends come out as events. It owns the protections: SETTINGS we advertise, flow control that
// credits the client only for body bytes the application consumed, header-list and CONTINUATION
// limits, the Rapid Reset cap, SETTINGS/PING flood caps, RFC 9218 priorities (the `priority`
// field and PRIORITY_UPDATE drive the scheduler; the RFC 7540 tree is parsed and ignored).
// No sockets, no clocks.
#pragma once

#include <cstdint>
#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "http/h2/frame.hpp"
#include "http/h2/hpack.hpp"
#include "http/h2/priority.hpp"
#include "http/message/message.hpp"

namespace layer7::http::h2 {

// Named limits (RFC 9113 §6.5.2 settings and the flood caps).
struct SessionLimits {
    std::uint32_t max_concurrent_streams = 128;   // beyond: REFUSED_STREAM
    std::uint32_t stream_window = 1u << 20;       // request body bytes a stream may have unconsumed
    std::uint32_t connection_window = 16u << 20;  // and all streams together
    std::uint32_t max_header_list = 64 * 1024;    // RFC 9113 §6.5.2 size; beyond: 431
    std::size_t max_continuations = 8;            // CONTINUATION flood: more frames close the connection
    // Rapid Reset (CVE-2023-44487): client resets of streams not yet answered, beyond those that
    // streams answered in full paid back. A pure session has no clock, so the cap is against the
    // useful work a connection did rather than per second: a client that mostly cancels runs out.
    std::uint64_t reset_burst = 1000;
    std::size_t max_settings_entries = 32;  // per SETTINGS frame
    std::size_t max_outbound_ack = 1000;    // SETTINGS/PING ACKs queued unsent: a flood
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
    // The same into the payloads of consecutive DATA frames, each filled before the next (only the
    // last one touched may come back short), so that a file body reads them all with one system
    // call. By default, pull() on each in turn.
    virtual Pulled pull_parts(std::span<const std::span<std::uint8_t>> parts);
    // The next bytes where they already lie in memory, up to `max` of them, without a copy: they
    // must stay valid and unchanged until the output that carries them has been written. Nothing
    // (the default) when the body has no such bytes at this point; pull() then copies.
    struct Lent {
        std::span<const std::uint8_t> bytes;
        State state = State::more;  // more or end
    };
    virtual std::optional<Lent> lend(std::size_t) { return std::nullopt; }
};

// What output() produces when it may borrow DATA payloads (OutBody::lend) rather than copy them:
// `bytes` holds every frame header and every copied payload, and each borrowed payload goes on
// the wire right after bytes[0, at). A gathered write (writev) sends it all without another copy.
struct OutFrames {
    struct Borrowed {
        std::size_t at = 0;
        std::span<const std::uint8_t> payload;
    };
    std::string bytes;
    std::vector<Borrowed> borrowed;
    std::size_t borrowed_size = 0;

    std::size_t size() const { return bytes.size() + borrowed_size; }
    bool empty() const { return size() == 0; }
    void clear()
    {
        bytes.clear();
        borrowed.clear();
        borrowed_size = 0;
    }
};

// What the session reports while it decodes input (called from inside feed()).
class SessionEvents {
public:
    virtual ~SessionEvents() = default;
    // A complete request head; `end_stream`: no body follows. The receiver may move it out, or
    // swap it with a cleared one whose storage the stream's slot then reuses.
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

    // The client's bytes; false when the connection must end at once (a flood: a GOAWAY naming it
    // is queued in output()). After other connection errors the GOAWAY is queued and done() turns
    // true once output() has written it.
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
    // The same, borrowing DATA payloads of at least `min_borrowed` bytes that a body lends.
    bool output(OutFrames& out, std::size_t soft_max, std::size_t min_borrowed);
    bool want_write() const;
    // The connection is finished: both sides have nothing more to say.
    bool done() const;

private:
    struct Stream;
    enum class Input : std::uint8_t { frame_header, payload, data_pad_length, data, data_padding };
    enum class Block : std::uint8_t { none, request, trailers, discard };

    // Input, frame by frame (frame states in server_session.cpp's header comment).
    void on_frame_header();
    void on_frame(std::span<const std::uint8_t> payload);
    void on_headers(std::span<const std::uint8_t> payload);
    void on_continuation(std::span<const std::uint8_t> payload);
    void on_priority(std::span<const std::uint8_t> payload);
    void on_rst_stream(std::span<const std::uint8_t> payload);
    void on_settings(std::span<const std::uint8_t> payload, bool from_upgrade);
    void on_ping(std::span<const std::uint8_t> payload);
    void on_goaway(std::span<const std::uint8_t> payload);
    void on_window_update(std::span<const std::uint8_t> payload);
    void on_priority_update(std::span<const std::uint8_t> payload);
    bool begin_data();
    void on_data_bytes(std::string_view bytes);
    void data_payload_read();
    void credit_padding(std::uint32_t n);
    void end_data();
    // The header block: decoded piece by piece, acted on when it ends.
    void decode_block(std::span<const std::uint8_t> piece, bool last);
    static void on_field(void* self, std::string_view name, std::string_view value);
    void end_block();
    void finish_request(Stream& s);
    void end_stream_received(Stream& s);

    // Output and stream life.
    Stream* find(std::int32_t id) const;
    Stream& open_stream(std::int32_t id);
    void close_stream(Stream& s, std::uint32_t error_code);
    void stream_error(Stream& s, ErrorCode code);
    void refuse(std::int32_t id, ErrorCode code);
    void connection_error(ErrorCode code, std::string_view why);
    void queue_headers(Stream& s, const Response& response, bool end_stream);
    void write_head(std::string& out, Stream& s, std::size_t head);
    void queue_window_updates(Stream* s);
    bool count_outbound_ack();
    bool output_to(std::string& out, OutFrames* frames, std::size_t soft_max, std::size_t min_borrowed);
    void send_data(std::string& out, Stream& s, std::size_t room);
    // send_data for a body that lends its bytes: false when it has none to lend at this point.
    bool send_lent_data(OutFrames& out, Stream& s, std::size_t room, std::size_t min_borrowed);
    void sent_data(Stream& s, std::size_t n, OutBody::State state);
    void trace_frame(bool ours, std::string_view frame);

    SessionEvents& events_;
    SessionLimits limits_;
    bool trace_;
    HpackDecoder decoder_;
    HpackEncoder encoder_;

    // Input state.
    std::size_t preface_at_ = 0;
    bool seen_settings_ = false;  // RFC 9113 §3.4: the client's preface ends with a SETTINGS frame
    Input input_ = Input::frame_header;
    std::array<std::uint8_t, frame_header_size> header_bytes_{};
    std::size_t header_have_ = 0;
    FrameHeader frame_;
    std::string payload_;  // a frame split across feed() calls (DATA is never buffered)
    std::uint32_t data_left_ = 0, padding_left_ = 0;
    bool data_counted_ = false;  // the DATA frame counts against an open stream's window
    Block block_ = Block::none;  // a header block in progress (CONTINUATION expected)
    std::int32_t block_stream_ = 0;
    bool block_end_stream_ = false;
    std::size_t continuations_ = 0;

    // Connection state.
    bool failed_ = false;        // a connection error: GOAWAY queued, the input is dropped
    bool stop_reading_ = false;  // and feed() says false (floods)
    bool goaway_sent_ = false;   // goaway(): streams above goaway_last_ are ignored
    bool peer_goaway_ = false;
    bool settings_acked_ = false;
    std::int32_t last_stream_ = 0;     // highest stream id the client used
    std::int32_t last_processed_ = 0;  // highest one handed to the application
    std::int32_t goaway_last_ = 0;
    std::int64_t send_window_ = default_window;  // connection windows (RFC 9113 §6.9)
    std::int64_t recv_window_ = default_window;
    std::uint32_t recv_unacked_ = 0;  // consumed, not yet credited with WINDOW_UPDATE
    std::int64_t peer_initial_window_ = default_window;
    std::uint32_t peer_max_frame_ = default_max_frame_size;
    std::size_t acks_queued_ = 0;  // SETTINGS/PING ACKs and RST_STREAMs queued since the last output()
    std::uint64_t reset_tokens_;   // Rapid Reset: client resets still allowed

    // Streams: every slot ever made (reused, so no allocation per stream in steady state), the
    // open ones sorted by id, and the free ones.
    std::vector<std::unique_ptr<Stream>> slots_;
    std::vector<Stream*> streams_;
    std::vector<Stream*> free_;
    Scheduler scheduler_;
    // Response heads are HPACK-encoded only when written: a stream reset before then sends none
    // (§5.1), and the dynamic table follows the order on the wire. Slots reused, so their Fields
    // keep their storage.
    struct QueuedHead {
        std::int32_t stream = 0;
        Status status = Status::ok;
        bool end_stream = false;
        Fields fields;
    };
    std::vector<QueuedHead> heads_;
    std::size_t heads_used_ = 0;
    struct PendingPriority {
        std::int32_t stream = 0;
        Priority priority;
    };
    std::array<PendingPriority, 8> idle_priorities_{};  // PRIORITY_UPDATE for streams not yet open
    std::size_t idle_priority_next_ = 0;

    std::string pending_;             // control frames to send before anything else
    std::size_t preface_frames_ = 0;  // our SETTINGS and WINDOW_UPDATE at its start, not yet traced
    std::string status_text_;
    std::string lowered_;  // response field names in lower case (encoder input)
    std::vector<std::string> trace_fields_;
};

}  // namespace layer7::http::h2
