// h2::ServerSession: see server_session.hpp.
//
// Theory of operation. Input is read frame by frame: the 9-byte header (collected across feed()
// calls if need be), then the payload. A DATA payload is never buffered: its flow control and
// padding are settled on the header, and its bytes go to on_data as they arrive. Any other
// payload is handled in place when feed() holds it whole, else gathered in payload_ first. A
// header block (HEADERS, then CONTINUATIONs while END_HEADERS is missing) is HPACK-decoded piece
// by piece straight into the stream's Request; nothing else may come between its frames.
//
// Streams (RFC 9113 §5.1) exist here only while open or half-closed: a HEADERS with a new, odd,
// higher id opens one; END_STREAM from the client half-closes it (recv_closed), END_STREAM from
// us (on HEADERS or the last DATA) the other half (send_closed), and with both, or RST_STREAM
// either way, it closes: on_stream_close, and its slot goes back to free_ for the next stream.
// An id at or below last_stream_ that is not open belongs to a closed stream: its frames are
// ignored (DATA still counts against the connection window and is credited back at once).
//
// Output: pending_ holds the control frames, heads_ the response heads in the order they were
// given; output() writes the frames, then the heads (HPACK-encoded then, for the streams still
// open), then DATA frames for the streams the scheduler picks, each pulled from its OutBody
// straight into `out` or, when the body lends bytes it holds in memory, pointed to (OutFrames).
#include "http/h2/server_session.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <utility>

#include "http/h2/frame_text.hpp"
#include "http/message/status.hpp"

namespace layer7::http::h2 {

struct ServerSession::Stream {
    std::int32_t id = 0;
    bool recv_closed = false;  // END_STREAM (or a complete upgraded request) from the client
    bool send_closed = false;  // our END_STREAM is queued
    bool end_sent = false;     // and written
    bool responded = false;    // the final response head is queued
    bool handed = false;       // the application has seen it (on_request)
    std::int64_t send_window = 0;
    std::int64_t recv_window = 0;  // what the client may still send
    std::uint32_t recv_unacked = 0;
    OutBody* body = nullptr;
    bool deferred = false;        // the body said wait: out of the scheduler until resume()
    std::uint64_t body_left = 0;  // content-length of the response still to send (0: unknown)
    ScheduleNode node;

    // The request head as it is decoded: fields go straight into the Request.
    Request request;
    std::string path, authority;
    std::string cookies;        // RFC 9113 §8.2.3: cookie crumbs joined back into one field
    std::size_t list_size = 0;  // RFC 9113 §6.5.2: name + value + 32 per field
    bool too_large = false;
    bool malformed = false;  // RFC 9113 §8.1.1: a stream error once the block is decoded
    bool has_host = false;
    bool regular_seen = false;  // §8.3: pseudo-header fields come first
    std::uint8_t pseudo_seen = 0;
    bool has_method = false;
    std::int64_t content_length = -1;
    std::uint64_t data_received = 0;

    void reset(std::int32_t stream_id, std::int64_t send, std::int64_t recv)
    {
        id = stream_id;
        recv_closed = send_closed = end_sent = responded = handed = false;
        send_window = send;
        recv_window = recv;
        recv_unacked = 0;
        body = nullptr;
        deferred = false;
        body_left = 0;
        node = ScheduleNode{};
        node.stream = stream_id;
        request.method = Method{};
        request.target.clear();
        request.version = {2, 0};
        request.fields.clear();
        request.protocol.clear();
        path.clear();
        authority.clear();
        cookies.clear();
        list_size = 0;
        too_large = malformed = has_host = regular_seen = has_method = false;
        pseudo_seen = 0;
        content_length = -1;
        data_received = 0;
    }
};

namespace {

// DATA frames one stream may send in a row, filled by one pull: 4 × 16 KiB is one write batch of
// the connection shell, and a file body reads them with one preadv instead of one pread each.
constexpr std::size_t max_frames_per_turn = 4;

constexpr std::int32_t max_stream_id = 0x7fffffff;

char ascii_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool equals_lower(std::string_view name, std::string_view lower)
{
    if (name.size() != lower.size())
        return false;
    for (std::size_t i = 0; i < lower.size(); ++i)
        if (ascii_lower(name[i]) != lower[i])
            return false;
    return true;
}

// Fields HTTP/2 does not carry (RFC 9113 §8.2.2): the connection is not the message's business.
bool connection_specific(std::string_view name)
{
    return equals_lower(name, "connection") || equals_lower(name, "keep-alive") ||
           equals_lower(name, "proxy-connection") || equals_lower(name, "transfer-encoding") ||
           equals_lower(name, "upgrade");
}

// RFC 9113 §8.2.1: a token in lower case.
bool valid_name(std::string_view name)
{
    if (name.empty())
        return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || std::strchr("!#$%&'*+-.^_`|~", c);
        if (!ok || c == '\0')
            return false;
    }
    return true;
}

// RFC 9113 §8.2.1: no NUL, CR or LF, no whitespace at either end.
bool valid_value(std::string_view value)
{
    for (char c : value)
        if (c == '\0' || c == '\r' || c == '\n')
            return false;
    auto space = [](char c) { return c == ' ' || c == '\t'; };
    return value.empty() || (!space(value.front()) && !space(value.back()));
}

enum Pseudo : std::uint8_t { method = 1, scheme = 2, path = 4, authority = 8, protocol = 16 };

std::span<const std::uint8_t> bytes_of(std::string_view s)
{
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

ServerSession::ServerSession(SessionEvents& events, const SessionLimits& limits, bool trace)
    : events_(events), limits_(limits), trace_(trace), reset_tokens_(limits.reset_burst)
{
    const std::array<Setting, 6> settings{{
        {static_cast<std::uint16_t>(SettingId::max_concurrent_streams), limits_.max_concurrent_streams},
        {static_cast<std::uint16_t>(SettingId::initial_window_size), limits_.stream_window},
        {static_cast<std::uint16_t>(SettingId::max_header_list_size), limits_.max_header_list},
        {static_cast<std::uint16_t>(SettingId::enable_push), 0},
        {static_cast<std::uint16_t>(SettingId::no_rfc7540_priorities), 1},
        {static_cast<std::uint16_t>(SettingId::enable_connect_protocol), 1},  // WebSocket over a stream (RFC 8441 §3)
    }};
    append_settings(pending_, settings);
    if (limits_.connection_window > default_window) {
        append_window_update(pending_, 0, static_cast<std::uint32_t>(limits_.connection_window - default_window));
        recv_window_ = limits_.connection_window;
    }
    preface_frames_ = pending_.size();  // traced by the first output(): `events` is still being built
}

ServerSession::~ServerSession() = default;

// ---------------------------------------------------------------- input

bool ServerSession::feed(std::string_view bytes)
{
    while (!bytes.empty() && !failed_) {
        if (preface_at_ < client_preface.size()) {
            const std::size_t n = std::min(client_preface.size() - preface_at_, bytes.size());
            if (bytes.substr(0, n) != client_preface.substr(preface_at_, n)) {
                connection_error(ErrorCode::protocol_error, "bad connection preface");
                break;
            }
            preface_at_ += n;
            bytes.remove_prefix(n);
            continue;
        }
        switch (input_) {
        case Input::frame_header: {
            if (header_have_ == 0 && bytes.size() >= frame_header_size) {
                std::memcpy(header_bytes_.data(), bytes.data(), frame_header_size);
                header_have_ = frame_header_size;
                bytes.remove_prefix(frame_header_size);
            } else {
                const std::size_t n = std::min(frame_header_size - header_have_, bytes.size());
                std::memcpy(header_bytes_.data() + header_have_, bytes.data(), n);
                header_have_ += n;
                bytes.remove_prefix(n);
                if (header_have_ < frame_header_size)
                    break;
            }
            header_have_ = 0;
            frame_ = decode_frame_header(header_bytes_.data());
            on_frame_header();
            if (failed_ || input_ != Input::payload || frame_.length == 0)
                break;
            if (bytes.size() >= frame_.length) {  // the common case: the whole frame is here
                input_ = Input::frame_header;
                on_frame(bytes_of(bytes.substr(0, frame_.length)));
                bytes.remove_prefix(frame_.length);
            } else {
                payload_.assign(bytes);
                bytes = {};
            }
            break;
        }
        case Input::payload: {
            const std::size_t n = std::min<std::size_t>(frame_.length - payload_.size(), bytes.size());
            payload_.append(bytes.substr(0, n));
            bytes.remove_prefix(n);
            if (payload_.size() == frame_.length) {
                input_ = Input::frame_header;
                on_frame(bytes_of(payload_));
                if (payload_.capacity() > 4096)
                    std::string().swap(payload_);  // a large head split across reads: not kept idle
                payload_.clear();
            }
            break;
        }
        case Input::data_pad_length:
            padding_left_ = static_cast<std::uint8_t>(bytes[0]);
            bytes.remove_prefix(1);
            if (padding_left_ > data_left_) {  // §6.1: padding as long as the payload or longer
                connection_error(ErrorCode::protocol_error, "DATA padding exceeds the payload");
                break;
            }
            data_left_ -= padding_left_;
            credit_padding(1 + padding_left_);  // §6.9.1: padding counts, and nobody consumes it
            input_ = Input::data;
            if (data_left_ == 0)
                data_payload_read();
            break;
        case Input::data: {
            const std::size_t n = std::min<std::size_t>(data_left_, bytes.size());
            data_left_ -= static_cast<std::uint32_t>(n);
            const std::string_view chunk = bytes.substr(0, n);
            bytes.remove_prefix(n);
            on_data_bytes(chunk);
            if (data_left_ == 0 && !failed_)
                data_payload_read();
            break;
        }
        case Input::data_padding: {
            const std::size_t n = std::min<std::size_t>(padding_left_, bytes.size());
            padding_left_ -= static_cast<std::uint32_t>(n);
            bytes.remove_prefix(n);
            if (padding_left_ == 0) {
                input_ = Input::frame_header;
                end_data();
            }
            break;
        }
        }
    }
    // As nghttp2 did: a flood (or no HTTP/2 at all) stops the reading at once; after any other
    // connection error the input is read and dropped until the GOAWAY is written (closing a
    // socket with unread input resets it, and the client could lose the GOAWAY).
    return !stop_reading_;
}

void ServerSession::on_frame_header()
{
    const FrameHeader& f = frame_;
    const auto type = static_cast<FrameType>(f.type);
    if (f.length > default_max_frame_size)  // §4.2: we never raised SETTINGS_MAX_FRAME_SIZE
        return connection_error(ErrorCode::frame_size_error, "frame larger than 16384 bytes");
    if (block_ != Block::none && (type != FrameType::continuation || f.stream != block_stream_))
        return connection_error(ErrorCode::protocol_error, "a header block interrupted");  // §6.10
    if (!seen_settings_ && type != FrameType::settings)
        return connection_error(ErrorCode::protocol_error, "the preface's SETTINGS missing");  // §3.4
    if (type != FrameType::data) {
        input_ = Input::payload;
        if (f.length == 0) {
            input_ = Input::frame_header;
            on_frame({});
        }
        return;
    }
    if (trace_)
        trace_frame(false, frame_line(f.type, f.flags, f.stream, f.length, {}));
    if (!begin_data())
        return;
    data_left_ = f.length;
    padding_left_ = 0;
    if (f.flags & flag::padded) {
        --data_left_;  // begin_data checked there is a pad length byte
        input_ = Input::data_pad_length;
    } else if (data_left_ > 0) {
        input_ = Input::data;
    } else {
        input_ = Input::frame_header;
        end_data();
    }
}

void ServerSession::on_frame(std::span<const std::uint8_t> payload)
{
    const FrameHeader& f = frame_;
    if (trace_)
        trace_frame(false, frame_line(f.type, f.flags, f.stream, f.length, payload));
    switch (static_cast<FrameType>(f.type)) {
    case FrameType::headers: return on_headers(payload);
    case FrameType::continuation: return on_continuation(payload);
    case FrameType::priority: return on_priority(payload);
    case FrameType::rst_stream: return on_rst_stream(payload);
    case FrameType::settings: return on_settings(payload, false);
    case FrameType::push_promise:
        return connection_error(ErrorCode::protocol_error, "PUSH_PROMISE from a client");  // §8.4
    case FrameType::ping: return on_ping(payload);
    case FrameType::goaway: return on_goaway(payload);
    case FrameType::window_update: return on_window_update(payload);
    case FrameType::priority_update: return on_priority_update(payload);
    default: return;  // §4.1: unknown types are ignored (and ALTSVC, ORIGIN are not for servers)
    }
}

void ServerSession::on_headers(std::span<const std::uint8_t> p)
{
    const FrameHeader& f = frame_;
    if (f.stream == 0)
        return connection_error(ErrorCode::protocol_error, "HEADERS on stream 0");
    if (f.stream % 2 == 0)
        return connection_error(ErrorCode::protocol_error, "HEADERS on an even stream id");  // §5.1.1
    std::size_t pad = 0;
    if (f.flags & flag::padded) {
        if (p.empty())
            return connection_error(ErrorCode::frame_size_error, "HEADERS too short for its pad length");
        pad = p[0];
        p = p.subspan(1);
    }
    bool self_dependent = false;
    if (f.flags & flag::priority) {  // RFC 9218 §2.1: the RFC 7540 priority is parsed and ignored
        if (p.size() < 5)
            return connection_error(ErrorCode::frame_size_error, "HEADERS too short for its priority");
        self_dependent = static_cast<std::int32_t>(read_u32(p.data()) & 0x7fffffffu) == f.stream;
        p = p.subspan(5);
    }
    if (pad > p.size())
        return connection_error(ErrorCode::protocol_error, "HEADERS padding exceeds the payload");
    p = p.first(p.size() - pad);

    block_stream_ = f.stream;
    block_end_stream_ = f.flags & flag::end_stream;
    continuations_ = 0;
    if (Stream* s = find(f.stream)) {
        if (s->recv_closed)  // §5.1 half-closed (remote)
            return connection_error(ErrorCode::stream_closed, "HEADERS after END_STREAM");
        block_ = Block::trailers;
        if (!block_end_stream_)  // §8.1: trailers end the stream
            s->malformed = true;
    } else if (f.stream <= last_stream_) {
        // A closed stream (§5.1): trailers in flight when we reset it are decoded (HPACK stays in
        // step) and ignored; without END_STREAM it can only be a new stream with an old id (§5.1.1).
        if (!block_end_stream_)
            return connection_error(ErrorCode::protocol_error, "HEADERS with a stream id already used");
        block_ = Block::discard;
    } else {
        last_stream_ = f.stream;
        if (peer_goaway_ || (goaway_sent_ && f.stream > goaway_last_)) {
            block_ = Block::discard;  // §6.8: after GOAWAY, new streams are ignored
        } else if (streams_.size() >= limits_.max_concurrent_streams) {
            block_ = Block::discard;
            refuse(f.stream, ErrorCode::refused_stream);  // §5.1.2: the client may retry it
        } else {
            Stream& s = open_stream(f.stream);
            s.recv_window =
                settings_acked_ ? limits_.stream_window : std::max<std::int64_t>(limits_.stream_window, default_window);
            s.malformed = self_dependent;  // §5.3.1: a stream cannot depend on itself
            block_ = Block::request;
        }
    }
    decode_block(p, f.flags & flag::end_headers);
}

void ServerSession::on_continuation(std::span<const std::uint8_t> p)
{
    if (block_ == Block::none)
        return connection_error(ErrorCode::protocol_error, "CONTINUATION without HEADERS");  // §6.10
    if (++continuations_ > limits_.max_continuations)
        return connection_error(ErrorCode::enhance_your_calm, "too many CONTINUATION frames");
    decode_block(p, frame_.flags & flag::end_headers);
}

void ServerSession::decode_block(std::span<const std::uint8_t> piece, bool last)
{
    if (!decoder_.decode(piece, last, &ServerSession::on_field, this))
        return connection_error(ErrorCode::compression_error, "HPACK decoding failed");  // §4.3
    if (last)
        end_block();
}

void ServerSession::on_field(void* self_p, std::string_view name, std::string_view value)
{
    auto& self = *static_cast<ServerSession*>(self_p);
    if (self.trace_)
        self.trace_fields_.push_back("    " + std::string(name) + ": " + std::string(value));
    if (self.block_ == Block::discard)
        return;
    Stream* sp = self.find(self.block_stream_);
    if (!sp)
        return;
    Stream& s = *sp;
    if (self.block_ == Block::trailers) {  // nothing in them is acted on; §8.1: no pseudo-headers
        if (name.starts_with(':'))
            s.malformed = true;
        return;
    }
    s.list_size += name.size() + value.size() + 32;
    if (s.list_size > self.limits_.max_header_list)
        s.too_large = true;
    if (s.too_large || s.malformed)
        return;
    if (!valid_value(value)) {
        s.malformed = true;
        return;
    }
    if (name.starts_with(':')) {  // §8.3.1
        std::uint8_t bit = 0;
        if (name == ":method") {
            bit = Pseudo::method;
            const std::optional<Method> m = Method::parse(value);
            if (!m) {
                s.malformed = true;
                return;
            }
            s.request.method = *m;
            s.has_method = true;
        } else if (name == ":scheme") {
            bit = Pseudo::scheme;
        } else if (name == ":path") {
            bit = Pseudo::path;
            s.path = value;
        } else if (name == ":authority") {
            bit = Pseudo::authority;
            s.authority = value;
        } else if (name == ":protocol") {
            bit = Pseudo::protocol;
            s.request.protocol = value;
        }
        if (bit == 0 || s.regular_seen || (s.pseudo_seen & bit))  // unknown, after a field, or twice
            s.malformed = true;
        s.pseudo_seen |= bit;
        return;
    }
    s.regular_seen = true;
    if (!valid_name(name) || connection_specific(name) || (name == "te" && value != "trailers")) {
        s.malformed = true;
        return;
    }
    if (name == "content-length") {  // RFC 9110 §8.6: one value (repeats must agree)
        std::int64_t n = -1;
        const auto r = std::from_chars(value.data(), value.data() + value.size(), n);
        if (r.ec != std::errc{} || r.ptr != value.data() + value.size() || n < 0 ||
            (s.content_length >= 0 && s.content_length != n)) {
            s.malformed = true;
            return;
        }
        s.content_length = n;
    } else if (name == "priority") {
        s.node.priority = parse_priority(value);
    }
    if (name == "cookie") {
        s.cookies.append(s.cookies.empty() ? "" : "; ").append(value);
        return;
    }
    s.has_host = s.has_host || name == "host";
    s.request.fields.add(name, value);
}

void ServerSession::end_block()
{
    const Block block = std::exchange(block_, Block::none);
    if (trace_) {
        for (const std::string& line : trace_fields_)
            events_.on_trace(false, line);
        trace_fields_.clear();
    }
    Stream* s = find(block_stream_);
    if (block == Block::discard || !s)
        return;
    if (s->malformed)
        return stream_error(*s, ErrorCode::protocol_error);
    if (block == Block::trailers)
        return end_stream_received(*s);
    if (block_end_stream_)
        s->recv_closed = true;
    finish_request(*s);
}

void ServerSession::finish_request(Stream& s)
{
    last_processed_ = s.id;
    if (s.too_large) {
        // The whole list was decoded (HPACK stays in step) but not kept: 431, and the stream ends.
        Response response;
        response.status = Status::request_header_fields_too_large;
        s.responded = true;
        queue_headers(s, response, true);
        return;
    }
    const bool connect = s.request.method.id() == MethodId::connect;
    const std::uint8_t seen = s.pseudo_seen;
    bool ok = s.has_method;
    if (connect && !(seen & Pseudo::protocol))  // a tunnel (§8.5): :authority only
        ok = ok && (seen & Pseudo::authority) && !(seen & (Pseudo::scheme | Pseudo::path));
    else if (connect)  // extended CONNECT (RFC 8441 §4)
        ok = ok && (seen & Pseudo::scheme) && (seen & Pseudo::path) && (seen & Pseudo::authority);
    else
        ok = ok && !(seen & Pseudo::protocol) && (seen & Pseudo::scheme) && (seen & Pseudo::path) &&
             (s.path.starts_with('/') || (s.path == "*" && s.request.method.id() == MethodId::options));
    if (ok && s.recv_closed && s.content_length > 0)
        ok = false;  // §8.1.1: content-length says a body follows, END_STREAM says none does
    if (!ok)
        return stream_error(s, ErrorCode::protocol_error);

    for (const PendingPriority& p : idle_priorities_)  // RFC 9218 §7.1: the frame wins over the field
        if (p.stream == s.id)
            s.node.priority = p.priority;
    Request& request = s.request;
    request.version = {2, 0};
    if (connect && (seen & Pseudo::protocol) == 0)
        request.target = s.authority;  // a tunnel (RFC 9113 §8.5); an extended CONNECT has a :path
    else
        request.target = s.path;
    // The fields an HTTP/1.1 handler expects: Host from :authority (RFC 9113 §8.3.1), one Cookie.
    if (!s.has_host && !s.authority.empty())
        request.fields.add("host", s.authority);
    if (!s.cookies.empty())
        request.fields.add("cookie", s.cookies);
    s.handed = true;
    const std::int32_t id = s.id;
    const bool end_stream = s.recv_closed;
    events_.on_request(id, std::move(request), end_stream);
}

void ServerSession::end_stream_received(Stream& s)
{
    if (s.handed && s.content_length >= 0 && s.data_received != static_cast<std::uint64_t>(s.content_length))
        return stream_error(s, ErrorCode::protocol_error);  // §8.1.1
    s.recv_closed = true;
    const std::int32_t id = s.id;
    if (s.handed)
        events_.on_end_stream(id);
    if (Stream* still = find(id); still && still->end_sent)
        close_stream(*still, 0);
}

bool ServerSession::begin_data()
{
    const FrameHeader& f = frame_;
    data_counted_ = false;
    if (f.stream == 0) {
        connection_error(ErrorCode::protocol_error, "DATA on stream 0");
        return false;
    }
    if (f.stream > last_stream_) {  // §5.1: idle
        connection_error(ErrorCode::protocol_error, "DATA on an idle stream");
        return false;
    }
    if ((f.flags & flag::padded) && f.length == 0) {
        connection_error(ErrorCode::frame_size_error, "DATA too short for its pad length");
        return false;
    }
    // §6.9.1: the whole frame, padding included, counts against both windows.
    if (f.length > recv_window_) {
        connection_error(ErrorCode::flow_control_error, "DATA beyond the connection window");
        return false;
    }
    recv_window_ -= f.length;
    Stream* s = find(f.stream);
    if (!s) {  // a closed stream: ignored, and the connection window credited at once
        recv_unacked_ += f.length;
        queue_window_updates(nullptr);
        return true;
    }
    if (s->recv_closed || !s->handed) {  // half-closed (remote), or answered 431 unread
        recv_unacked_ += f.length;
        if (s->recv_closed)
            stream_error(*s, ErrorCode::stream_closed);  // §5.1 half-closed (remote)
        queue_window_updates(nullptr);
        return true;
    }
    if (f.length > s->recv_window) {
        recv_unacked_ += f.length;
        stream_error(*s, ErrorCode::flow_control_error);
        queue_window_updates(nullptr);
        return true;
    }
    s->recv_window -= f.length;
    data_counted_ = true;  // data bytes are credited when consumed, padding when it is read
    return true;
}

void ServerSession::on_data_bytes(std::string_view bytes)
{
    Stream* s = data_counted_ ? find(frame_.stream) : nullptr;
    if (!s) {
        if (data_counted_) {  // the stream closed within the frame: nobody consumes the rest
            recv_unacked_ += static_cast<std::uint32_t>(bytes.size());
            queue_window_updates(nullptr);
        }
        return;  // otherwise the whole frame was credited in begin_data
    }
    s->data_received += bytes.size();
    if (s->content_length >= 0 && s->data_received > static_cast<std::uint64_t>(s->content_length)) {
        stream_error(*s, ErrorCode::protocol_error);  // §8.1.1
        recv_unacked_ += static_cast<std::uint32_t>(bytes.size());
        queue_window_updates(nullptr);
        return;
    }
    if (!bytes.empty())
        events_.on_data(s->id, bytes);
}

// A DATA frame's payload is read: its padding follows, or the frame is done.
void ServerSession::data_payload_read()
{
    input_ = padding_left_ ? Input::data_padding : Input::frame_header;
    if (padding_left_ == 0)
        end_data();
}

void ServerSession::credit_padding(std::uint32_t n)
{
    if (!data_counted_ || n == 0)
        return;
    Stream* s = find(frame_.stream);
    recv_unacked_ += n;
    if (s)
        s->recv_unacked += n;
    queue_window_updates(s);
}

void ServerSession::end_data()
{
    if (!(frame_.flags & flag::end_stream))
        return;
    if (Stream* s = find(frame_.stream); s && !s->recv_closed)
        end_stream_received(*s);
}

void ServerSession::on_priority(std::span<const std::uint8_t> p)
{
    // RFC 9218 §2.1 / RFC 9113 §5.3.2: parsed and ignored, but its framing rules hold.
    if (frame_.stream == 0)
        return connection_error(ErrorCode::protocol_error, "PRIORITY on stream 0");
    const bool self_dependent =
        p.size() == 5 && static_cast<std::int32_t>(read_u32(p.data()) & 0x7fffffffu) == frame_.stream;
    if (p.size() != 5 || self_dependent) {  // §6.3, and §5.3.1: a stream cannot depend on itself
        const ErrorCode code = self_dependent ? ErrorCode::protocol_error : ErrorCode::frame_size_error;
        if (Stream* s = find(frame_.stream))
            return stream_error(*s, code);
        return refuse(frame_.stream, code);
    }
}

void ServerSession::on_rst_stream(std::span<const std::uint8_t> p)
{
    if (frame_.stream == 0)
        return connection_error(ErrorCode::protocol_error, "RST_STREAM on stream 0");
    if (p.size() != 4)
        return connection_error(ErrorCode::frame_size_error, "RST_STREAM length not 4");
    if (frame_.stream > last_stream_)
        return connection_error(ErrorCode::protocol_error, "RST_STREAM on an idle stream");  // §6.4
    Stream* s = find(frame_.stream);
    if (!s)
        return;  // closed already
    // Rapid Reset (CVE-2023-44487): a client that cancels streams we have not finished answering
    // spends a token; each stream answered in full earns one back (no clock: see the header).
    if (!s->send_closed) {
        if (reset_tokens_ == 0)
            return connection_error(ErrorCode::enhance_your_calm, "too many streams reset");
        --reset_tokens_;
    }
    close_stream(*s, read_u32(p.data()));
}

void ServerSession::on_settings(std::span<const std::uint8_t> p, bool from_upgrade)
{
    if (frame_.stream != 0)
        return connection_error(ErrorCode::protocol_error, "SETTINGS on a stream");
    if (frame_.flags & flag::ack) {
        if (!p.empty())
            return connection_error(ErrorCode::frame_size_error, "SETTINGS ACK with a payload");
        settings_acked_ = true;
        return;
    }
    seen_settings_ = true;
    if (p.size() % 6 != 0)
        return connection_error(ErrorCode::frame_size_error, "SETTINGS length not a multiple of 6");
    if (p.size() / 6 > limits_.max_settings_entries)
        return connection_error(ErrorCode::enhance_your_calm, "too many settings");
    for (std::size_t i = 0; i < p.size() / 6; ++i) {
        const Setting setting = decode_setting(p, i);
        const std::uint32_t v = setting.value;
        switch (static_cast<SettingId>(setting.id)) {
        case SettingId::header_table_size: encoder_.set_table_size(v); break;
        case SettingId::enable_push:
            if (v > 1)
                return connection_error(ErrorCode::protocol_error, "ENABLE_PUSH not 0 or 1");
            break;
        case SettingId::initial_window_size: {
            if (v > max_window)
                return connection_error(ErrorCode::flow_control_error, "INITIAL_WINDOW_SIZE over 2^31-1");
            const std::int64_t delta = std::int64_t{v} - peer_initial_window_;
            peer_initial_window_ = v;
            for (Stream* s : streams_) {  // §6.9.2: open streams' windows move by the difference
                s->send_window += delta;
                if (s->send_window > max_window)
                    return connection_error(ErrorCode::flow_control_error, "a stream window over 2^31-1");
                if (s->body && !s->send_closed && !s->deferred && s->send_window > 0)
                    scheduler_.push(s->node);
            }
            break;
        }
        case SettingId::max_frame_size:
            if (v < default_max_frame_size || v > largest_max_frame_size)
                return connection_error(ErrorCode::protocol_error, "MAX_FRAME_SIZE out of range");
            peer_max_frame_ = v;
            break;
        case SettingId::enable_connect_protocol:
            if (v > 1)
                return connection_error(ErrorCode::protocol_error, "ENABLE_CONNECT_PROTOCOL not 0 or 1");
            break;
        default: break;  // MAX_CONCURRENT_STREAMS (we push none), MAX_HEADER_LIST_SIZE (advisory), unknown
        }
    }
    if (from_upgrade)
        return;  // RFC 7540 §3.2.1: HTTP2-Settings is acknowledged by the 101, not a SETTINGS ACK
    if (!count_outbound_ack())
        return;
    const std::size_t at = pending_.size();
    append_settings_ack(pending_);
    trace_frame(true, std::string_view(pending_).substr(at));
}

void ServerSession::on_ping(std::span<const std::uint8_t> p)
{
    if (frame_.stream != 0)
        return connection_error(ErrorCode::protocol_error, "PING on a stream");
    if (p.size() != 8)
        return connection_error(ErrorCode::frame_size_error, "PING length not 8");
    if (frame_.flags & flag::ack)
        return;
    if (!count_outbound_ack())
        return;
    const std::size_t at = pending_.size();
    append_ping_ack(pending_, p.first<8>());
    trace_frame(true, std::string_view(pending_).substr(at));
}

void ServerSession::on_goaway(std::span<const std::uint8_t> p)
{
    if (frame_.stream != 0)
        return connection_error(ErrorCode::protocol_error, "GOAWAY on a stream");
    if (p.size() < 8)
        return connection_error(ErrorCode::frame_size_error, "GOAWAY shorter than 8");
    peer_goaway_ = true;  // no new streams; the open ones finish
}

void ServerSession::on_window_update(std::span<const std::uint8_t> p)
{
    if (p.size() != 4)
        return connection_error(ErrorCode::frame_size_error, "WINDOW_UPDATE length not 4");
    const std::uint32_t increment = read_u32(p.data()) & 0x7fffffffu;
    if (frame_.stream == 0) {
        if (increment == 0)
            return connection_error(ErrorCode::protocol_error, "WINDOW_UPDATE of 0");  // §6.9
        send_window_ += increment;
        if (send_window_ > max_window)
            return connection_error(ErrorCode::flow_control_error, "connection window over 2^31-1");
        return;
    }
    if (frame_.stream > last_stream_)
        return connection_error(ErrorCode::protocol_error, "WINDOW_UPDATE on an idle stream");
    Stream* s = find(frame_.stream);
    if (!s)
        return;  // closed
    if (increment == 0)
        return stream_error(*s, ErrorCode::protocol_error);
    s->send_window += increment;
    if (s->send_window > max_window)
        return stream_error(*s, ErrorCode::flow_control_error);
    if (s->body && !s->send_closed && !s->deferred && s->send_window > 0)
        scheduler_.push(s->node);
}

void ServerSession::on_priority_update(std::span<const std::uint8_t> p)
{
    // RFC 9218 §7.1.
    if (frame_.stream != 0)
        return connection_error(ErrorCode::protocol_error, "PRIORITY_UPDATE on a stream");
    if (p.size() < 4)
        return connection_error(ErrorCode::frame_size_error, "PRIORITY_UPDATE shorter than 4");
    const auto id = static_cast<std::int32_t>(read_u32(p.data()) & 0x7fffffffu);
    if (id == 0)
        return connection_error(ErrorCode::protocol_error, "PRIORITY_UPDATE for stream 0");
    const std::string_view field(reinterpret_cast<const char*>(p.data() + 4), p.size() - 4);
    if (Stream* s = find(id)) {
        scheduler_.reprioritize(s->node, parse_priority(field, s->node.priority));
        return;
    }
    if (id > last_stream_ && id % 2 == 1) {  // a stream not open yet: kept for when it is
        idle_priorities_[idle_priority_next_] = {id, parse_priority(field)};
        idle_priority_next_ = (idle_priority_next_ + 1) % idle_priorities_.size();
    }
}

// ---------------------------------------------------------------- streams and errors

ServerSession::Stream* ServerSession::find(std::int32_t id) const
{
    const auto it = std::lower_bound(streams_.begin(), streams_.end(), id,
                                     [](const Stream* s, std::int32_t v) { return s->id < v; });
    return it != streams_.end() && (*it)->id == id ? *it : nullptr;
}

ServerSession::Stream& ServerSession::open_stream(std::int32_t id)
{
    if (free_.empty()) {
        slots_.push_back(std::make_unique<Stream>());
        free_.push_back(slots_.back().get());
    }
    Stream* s = free_.back();
    free_.pop_back();
    s->reset(id, peer_initial_window_, limits_.stream_window);
    streams_.push_back(s);  // ids only grow (§5.1.1): the new stream goes at the end
    return *s;
}

void ServerSession::close_stream(Stream& s, std::uint32_t error_code)
{
    scheduler_.remove(s.node);
    const auto it = std::lower_bound(streams_.begin(), streams_.end(), s.id,
                                     [](const Stream* x, std::int32_t v) { return x->id < v; });
    streams_.erase(it);
    const std::int32_t id = s.id;
    const bool handed = s.handed;
    if (error_code == 0 && reset_tokens_ < limits_.reset_burst)
        ++reset_tokens_;  // answered in full
    s.body = nullptr;
    free_.push_back(&s);
    if (handed)
        events_.on_stream_close(id, error_code);
}

void ServerSession::stream_error(Stream& s, ErrorCode code)
{
    refuse(s.id, code);
    close_stream(s, static_cast<std::uint32_t>(code));
}

void ServerSession::refuse(std::int32_t id, ErrorCode code)
{
    if (!count_outbound_ack())
        return;
    const std::size_t at = pending_.size();
    append_rst_stream(pending_, id, code);
    trace_frame(true, std::string_view(pending_).substr(at));
}

bool ServerSession::count_outbound_ack()
{
    // A client that makes us answer faster than it reads (SETTINGS, PING, or frames that earn a
    // RST_STREAM) would grow our output without bound.
    if (++acks_queued_ <= limits_.max_outbound_ack)
        return true;
    connection_error(ErrorCode::enhance_your_calm, "too many frames to acknowledge unread");
    return false;
}

void ServerSession::connection_error(ErrorCode code, std::string_view why)
{
    if (failed_)
        return;
    failed_ = true;
    stop_reading_ = code == ErrorCode::enhance_your_calm || preface_at_ < client_preface.size();
    if (trace_)
        events_.on_trace(false, "connection error: " + std::string(why));
    // RFC 9113 §5.4.1: GOAWAY with the last stream we processed, then the connection closes.
    const std::size_t at = pending_.size();
    append_goaway(pending_, last_processed_, code);
    trace_frame(true, std::string_view(pending_).substr(at));
}

void ServerSession::queue_window_updates(Stream* s)
{
    // Batched as nghttp2 does: credit once half a window is consumed, so a client streaming a
    // body sees one WINDOW_UPDATE per half window rather than one per DATA frame.
    if (recv_unacked_ >= std::max<std::uint32_t>(limits_.connection_window / 2, 1)) {
        const std::size_t at = pending_.size();
        append_window_update(pending_, 0, recv_unacked_);
        recv_window_ += recv_unacked_;
        recv_unacked_ = 0;
        trace_frame(true, std::string_view(pending_).substr(at));
    }
    if (s && !s->recv_closed && s->recv_unacked >= std::max<std::uint32_t>(limits_.stream_window / 2, 1)) {
        const std::size_t at = pending_.size();
        append_window_update(pending_, s->id, s->recv_unacked);
        s->recv_window += s->recv_unacked;
        s->recv_unacked = 0;
        trace_frame(true, std::string_view(pending_).substr(at));
    }
}

// ---------------------------------------------------------------- the application's calls

bool ServerSession::upgrade(std::string_view settings, bool)
{
    // RFC 7540 §3.2: the HTTP2-Settings payload is the client's first SETTINGS, and stream 1
    // is the request that asked for the upgrade, complete (half-closed remote).
    if (last_stream_ != 0)
        return false;
    frame_ =
        FrameHeader{static_cast<std::uint32_t>(settings.size()), static_cast<std::uint8_t>(FrameType::settings), 0, 0};
    on_settings(bytes_of(settings), true);
    seen_settings_ = false;  // the connection preface still brings a SETTINGS frame
    if (failed_)
        return false;
    Stream& s = open_stream(1);
    s.recv_closed = true;
    s.handed = true;
    last_stream_ = last_processed_ = 1;
    return true;
}

void ServerSession::queue_headers(Stream& s, const Response& response, bool end_stream)
{
    if (heads_used_ == heads_.size())
        heads_.emplace_back();
    QueuedHead& q = heads_[heads_used_++];
    q.stream = s.id;
    q.status = response.status;
    q.end_stream = end_stream;
    q.fields = response.fields;  // into storage kept from earlier heads
    if (end_stream)
        s.send_closed = true;
}

void ServerSession::write_head(std::string& out, Stream& s, std::size_t index)
{
    const QueuedHead& q = heads_[index];
    status_text_ = std::to_string(code(q.status));
    // Names in lower case (§8.2), all in one reused string: first the names, then the views.
    lowered_.clear();
    for (Field f : q.fields)
        if (!connection_specific(f.name))
            lowered_.append(f.name);
    for (char& c : lowered_)
        c = ascii_lower(c);
    encoder_.clear();
    encoder_.add(":status", status_text_);
    std::size_t at = 0;
    for (Field f : q.fields) {
        if (connection_specific(f.name))
            continue;
        encoder_.add(std::string_view(lowered_).substr(at, f.name.size()), f.value);
        at += f.name.size();
    }
    // The block is encoded after a HEADERS frame header, and split into CONTINUATIONs (§6.10)
    // when it is larger than the client's SETTINGS_MAX_FRAME_SIZE.
    const std::size_t head = out.size();
    out.resize(head + frame_header_size);
    encoder_.encode(out);
    const std::size_t block = out.size() - head - frame_header_size;
    const std::uint8_t end = q.end_stream ? flag::end_stream : 0;
    if (block <= peer_max_frame_) {
        encode_frame_header(reinterpret_cast<std::uint8_t*>(out.data() + head), static_cast<std::uint32_t>(block),
                            FrameType::headers, end | flag::end_headers, s.id);
    } else {
        const std::string whole = out.substr(head + frame_header_size);
        out.resize(head);
        for (std::size_t from = 0; from < whole.size();) {
            const std::size_t n = std::min<std::size_t>(peer_max_frame_, whole.size() - from);
            const bool first = from == 0, last = from + n == whole.size();
            append_frame_header(out, static_cast<std::uint32_t>(n),
                                first ? FrameType::headers : FrameType::continuation,
                                static_cast<std::uint8_t>((first ? end : 0) | (last ? flag::end_headers : 0)), s.id);
            out.append(whole, from, n);
            from += n;
        }
    }
    if (trace_) {  // the frame line(s), then the fields
        for (std::size_t p = head; p < out.size();) {
            const FrameHeader h = decode_frame_header(reinterpret_cast<const std::uint8_t*>(out.data() + p));
            events_.on_trace(true, frame_line(h.type, h.flags, h.stream, h.length, {}));
            p += frame_header_size + h.length;
        }
        events_.on_trace(true, "    :status: " + status_text_);
        at = 0;
        for (Field f : q.fields) {
            if (connection_specific(f.name))
                continue;
            events_.on_trace(true, "    " + lowered_.substr(at, f.name.size()) + ": " + std::string(f.value));
            at += f.name.size();
        }
    }
    if (q.end_stream) {
        s.end_sent = true;
        if (s.recv_closed)
            close_stream(s, 0);
    }
}

void ServerSession::respond(std::int32_t stream, const Response& response, OutBody* body)
{
    Stream* s = find(stream);
    if (!s || s->responded || failed_)
        return;
    s->responded = true;
    queue_headers(*s, response, body == nullptr);
    if (!body)
        return;
    s->body = body;
    if (const auto length = response.fields.get("content-length")) {
        std::uint64_t n = 0;
        if (std::from_chars(length->data(), length->data() + length->size(), n).ec == std::errc{})
            s->body_left = n;
    }
    if (s->send_window > 0)
        scheduler_.push(s->node);
}

void ServerSession::inform(std::int32_t stream, const Response& response)
{
    if (Stream* s = find(stream); s && !s->responded && !failed_)
        queue_headers(*s, response, false);
}

void ServerSession::resume(std::int32_t stream)
{
    Stream* s = find(stream);
    if (!s || !s->deferred)
        return;
    s->deferred = false;
    if (s->body && !s->send_closed && s->send_window > 0)
        scheduler_.push(s->node);
}

void ServerSession::reset(std::int32_t stream, std::uint32_t error_code)
{
    if (Stream* s = find(stream); s && !failed_)
        stream_error(*s, static_cast<ErrorCode>(error_code));
}

void ServerSession::consume(std::int32_t stream, std::size_t n)
{
    if (n == 0 || failed_)
        return;
    recv_unacked_ += static_cast<std::uint32_t>(n);
    Stream* s = find(stream);
    if (s)
        s->recv_unacked += static_cast<std::uint32_t>(n);
    queue_window_updates(s);
}

void ServerSession::shutdown_notice()
{
    if (failed_)
        return;
    const std::size_t at = pending_.size();
    append_goaway(pending_, max_stream_id, ErrorCode::no_error);
    trace_frame(true, std::string_view(pending_).substr(at));
}

void ServerSession::goaway()
{
    if (failed_ || goaway_sent_)
        return;
    goaway_sent_ = true;
    goaway_last_ = last_processed_;
    const std::size_t at = pending_.size();
    append_goaway(pending_, goaway_last_, ErrorCode::no_error);
    trace_frame(true, std::string_view(pending_).substr(at));
}

// ---------------------------------------------------------------- output

bool ServerSession::output(std::string& out, std::size_t soft_max)
{
    return output_to(out, nullptr, soft_max, 0);
}

bool ServerSession::output(OutFrames& out, std::size_t soft_max, std::size_t min_borrowed)
{
    return output_to(out.bytes, &out, soft_max, min_borrowed);
}

// `out` is frames->bytes when DATA may borrow its payloads.
bool ServerSession::output_to(std::string& out, OutFrames* frames, std::size_t soft_max, std::size_t min_borrowed)
{
    if (preface_frames_ > 0 && trace_) {
        for (std::size_t at = 0; at < preface_frames_;) {
            const std::string_view frame = std::string_view(pending_).substr(at);
            trace_frame(true, frame);
            at += frame_header_size + decode_frame_header(reinterpret_cast<const std::uint8_t*>(frame.data())).length;
        }
    }
    preface_frames_ = 0;
    for (;;) {
        if (!pending_.empty()) {
            out.append(pending_);
            pending_.clear();
            if (pending_.capacity() > 64 * 1024)
                std::string().swap(pending_);
        }
        acks_queued_ = 0;
        for (std::size_t i = 0; i < heads_used_; ++i)  // (heads_ may grow meanwhile: on_stream_close)
            if (Stream* s = failed_ ? nullptr : find(heads_[i].stream))
                write_head(out, *s, i);
        heads_used_ = 0;
        if (!pending_.empty())
            continue;  // on_stream_close consumed body bytes: their WINDOW_UPDATE first
        const std::size_t size = out.size() + (frames ? frames->borrowed_size : 0);
        if (failed_ || size >= soft_max || send_window_ <= 0)
            break;
        ScheduleNode* node = scheduler_.top();
        if (!node)
            break;
        Stream& s = *find(node->stream);
        if (!frames || s.send_window <= 0 || !send_lent_data(*frames, s, soft_max - size, min_borrowed))
            send_data(out, s, soft_max - size);
    }
    return true;
}

OutBody::Pulled OutBody::pull_parts(std::span<const std::span<std::uint8_t>> parts)
{
    Pulled total;
    for (const std::span<std::uint8_t> part : parts) {
        const Pulled p = pull(part.data(), part.size());
        total.n += std::min(p.n, part.size());
        total.state = p.state;
        if (p.state != State::more || p.n < part.size())
            break;
    }
    return total;
}

// DATA for one stream: as many frames as its turn allows (several for a non-incremental stream,
// enough to fill `room` bytes; one for an incremental one, which takes turns a frame at a time), pulled
// from its body straight into `out` behind room left for each frame's header.
void ServerSession::send_data(std::string& out, Stream& s, std::size_t room)
{
    if (s.send_window <= 0) {  // waits for the client's WINDOW_UPDATE
        scheduler_.remove(s.node);
        return;
    }
    std::size_t allowed = static_cast<std::size_t>(std::min(s.send_window, send_window_));
    if (s.body_left > 0 && s.body_left < allowed)
        allowed = static_cast<std::size_t>(s.body_left);  // a known length: no larger buffer than needed
    const std::size_t frame_max = peer_max_frame_;
    const std::size_t turn_frames = s.node.priority.incremental ? 1 : (room + frame_max - 1) / frame_max;
    std::array<std::span<std::uint8_t>, max_frames_per_turn> parts;
    const std::size_t head = out.size();
    std::size_t count = 0, asked = 0;
    while (count < std::min(turn_frames, parts.size()) && (count == 0 || asked < allowed)) {
        const std::size_t size = std::min(frame_max, allowed - asked);
        asked += size;
        ++count;
    }
    out.resize(head + count * frame_header_size + asked);
    for (std::size_t i = 0; i < count; ++i) {
        auto* payload = reinterpret_cast<std::uint8_t*>(out.data() + head + i * (frame_header_size + frame_max) +
                                                        frame_header_size);
        parts[i] = {payload, std::min(frame_max, asked - i * frame_max)};
    }
    const OutBody::Pulled pulled = s.body->pull_parts(std::span(parts.data(), count));
    const std::size_t n = std::min(pulled.n, asked);
    if (pulled.state == OutBody::State::fail) {
        out.resize(head);
        return stream_error(s, ErrorCode::internal_error);
    }
    const bool end = pulled.state == OutBody::State::end;
    if (n == 0 && !end) {
        out.resize(head);
        s.deferred = true;  // nothing now: out of the scheduler until resume()
        scheduler_.remove(s.node);
        return;
    }
    // The frames the bytes filled (an empty one only to carry END_STREAM), the last maybe short.
    const std::size_t frames = n == 0 ? 1 : (n + frame_max - 1) / frame_max;
    for (std::size_t i = 0; i < frames; ++i) {
        const std::size_t at = head + i * (frame_header_size + frame_max);
        const std::size_t length = std::min(frame_max, n - std::min(n, i * frame_max));
        const bool last = i + 1 == frames;
        encode_frame_header(reinterpret_cast<std::uint8_t*>(out.data() + at), static_cast<std::uint32_t>(length),
                            FrameType::data, last && end ? flag::end_stream : 0, s.id);
        if (trace_)
            trace_frame(true, std::string_view(out).substr(at, frame_header_size));
        if (last)
            out.resize(at + frame_header_size + length);
    }
    sent_data(s, n, pulled.state);
}

// As send_data, the frames' payloads borrowed from the body where they are big enough to be
// worth an entry of their own in the gathered write (smaller ones are copied after their header).
bool ServerSession::send_lent_data(OutFrames& out, Stream& s, std::size_t room, std::size_t min_borrowed)
{
    const auto allowed = static_cast<std::size_t>(std::min(s.send_window, send_window_));
    const std::size_t frame_max = peer_max_frame_;
    const std::size_t turn_frames =
        s.node.priority.incremental ? 1 : std::min(max_frames_per_turn, (room + frame_max - 1) / frame_max);
    std::size_t sent = 0, frames = 0;
    OutBody::State state = OutBody::State::more;
    while (frames < std::max<std::size_t>(turn_frames, 1) && sent < allowed && state == OutBody::State::more) {
        const std::optional<OutBody::Lent> lent = s.body->lend(std::min(frame_max, allowed - sent));
        if (!lent || (lent->bytes.empty() && lent->state != OutBody::State::end))
            break;
        const std::size_t n = lent->bytes.size();
        state = lent->state;
        const std::size_t at = out.bytes.size();
        append_frame_header(out.bytes, static_cast<std::uint32_t>(n), FrameType::data,
                            state == OutBody::State::end ? flag::end_stream : 0, s.id);
        if (trace_)
            trace_frame(true, std::string_view(out.bytes).substr(at));
        if (n < min_borrowed) {
            out.bytes.append(reinterpret_cast<const char*>(lent->bytes.data()), n);
        } else {
            out.borrowed.push_back({out.bytes.size(), lent->bytes});
            out.borrowed_size += n;
        }
        sent += n;
        ++frames;
    }
    if (frames == 0)
        return false;
    sent_data(s, sent, state);
    return true;
}

// `n` body bytes of `s` are on their way, the last of them with `state`.
void ServerSession::sent_data(Stream& s, std::size_t n, OutBody::State state)
{
    const bool end = state == OutBody::State::end;
    s.send_window -= static_cast<std::int64_t>(n);
    send_window_ -= static_cast<std::int64_t>(n);
    s.body_left = s.body_left > n ? s.body_left - n : 0;
    if (end) {
        s.send_closed = s.end_sent = true;
        scheduler_.remove(s.node);
        if (s.recv_closed)
            close_stream(s, 0);
        return;
    }
    if (state == OutBody::State::wait) {
        s.deferred = true;
        scheduler_.remove(s.node);
    } else if (s.send_window <= 0) {
        scheduler_.remove(s.node);
    } else {
        scheduler_.sent(s.node);
    }
}

bool ServerSession::want_write() const
{
    return !pending_.empty() || (!failed_ && heads_used_ > 0) || (!failed_ && send_window_ > 0 && !scheduler_.empty());
}

bool ServerSession::done() const
{
    const bool want_read = !failed_ && !((goaway_sent_ || peer_goaway_) && streams_.empty());
    return !want_read && !want_write();
}

void ServerSession::trace_frame(bool ours, std::string_view frame)
{
    if (!trace_)
        return;
    if (!ours) {  // a line already made
        events_.on_trace(false, frame);
        return;
    }
    // A frame as written (the header, and the payload when it is there).
    const auto* p = reinterpret_cast<const std::uint8_t*>(frame.data());
    const FrameHeader h = decode_frame_header(p);
    const std::size_t payload = std::min<std::size_t>(h.length, frame.size() - frame_header_size);
    events_.on_trace(true, frame_line(h.type, h.flags, h.stream, h.length, {p + frame_header_size, payload}));
}

}  // namespace layer7::http::h2
