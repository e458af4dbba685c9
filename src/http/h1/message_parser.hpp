// The incremental HTTP/1.1 message parser shared by RequestParser and ResponseParser (RFC 9112).
//
// Theory of operation: bytes are appended with feed(); next() advances a state machine
//   start_line → fields → [body: length | chunk_size ⇄ chunk_data → trailers | until_close] → complete
// and returns one event at a time: head (the start line and fields are in the message), data (a view of
// decoded content), complete, need_more or error. After complete the next call starts the next message
// with whatever bytes remain, so pipelined requests need nothing special. Errors are sticky: the caller
// answers with status_for(error()) and closes. Views returned in events point into the parser's
// buffer and stay valid until the next feed().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/h1/framing.hpp"

namespace layer7::http::h1 {

struct ParserLimits {
    std::size_t max_start_line = 8192;          // §3: recipients SHOULD support ≥ 8000 octets; else 414
    std::size_t max_field_section = 64 * 1024;  // field lines incl. CRLFs and the empty line; else 431
    std::size_t max_fields = 100;               // field lines per section (Apache LimitRequestFields); 431
    std::uint64_t max_body = 32u << 20;         // decoded content bytes; else 413 (core::Limits max_message)
    std::size_t max_chunk_line = 1024;          // chunk-size line with extensions, without CRLF
    bool allow_bare_lf = true;  // §2.2 MAY accept LF alone in the head (nc users); chunked framing never
};

enum class EventKind : std::uint8_t { need_more, head, data, complete, error };

struct Event {
    EventKind kind = EventKind::need_more;
    std::string_view data;  // EventKind::data only
};

namespace detail {

class MessageParser {
public:
    // Appends received bytes; invalidates views returned earlier.
    void feed(std::string_view bytes);
    // The next event; call until need_more (or error).
    Event next();
    // The peer closed: completes an until-close body, errors inside any other message,
    // and returns need_more if the connection was idle between messages.
    Event finish();

    Error error() const { return error_; }
    const Framing& framing() const { return framing_; }  // valid after the head event
    const Fields& trailers() const { return trailers_; }
    std::uint64_t body_bytes() const { return body_bytes_; }  // content bytes of this message so far
    // True between messages with nothing of the next one buffered.
    bool idle() const { return state_ == State::start_line && pos_ == buffer_.size(); }
    // After a 101 / CONNECT tunnel: the rest of the stream is not HTTP/1.1.
    bool upgraded() const { return state_ == State::upgraded; }
    // Bytes received but not parsed (e.g. the first bytes of a tunnel or HTTP/2 after Upgrade).
    std::string_view buffered() const { return std::string_view(buffer_).substr(pos_); }
    std::string take_buffered();
    // When idle(): frees the input buffer, so a connection waiting for its next message holds no
    // memory it does not use (nginx frees a keep-alive connection's buffer too). False otherwise.
    bool release_buffer();
    ParserLimits& limits() { return limits_; }

protected:
    explicit MessageParser(const ParserLimits& limits) : limits_(limits) {}
    ~MessageParser() = default;
    MessageParser(MessageParser&&) = default;  // movable, so factories can return parsers
    MessageParser& operator=(MessageParser&&) = default;

    // Per-message hooks (one call each per message, so the virtual cost is negligible).
    virtual void reset_message() = 0;
    virtual MaybeError on_start_line(std::string_view line) = 0;
    virtual MaybeError on_head(Framing& framing) = 0;
    virtual Fields& fields() = 0;
    virtual Error start_line_too_long() const = 0;

private:
    enum class State : std::uint8_t {
        start_line,
        fields,
        body_length,
        chunk_size,
        chunk_data,
        chunk_end,
        trailers,
        until_close,
        complete,
        upgraded,
        failed,
    };
    Event fail(Error e);
    // Finds the next LF at or after pos_; false if none is buffered yet.
    bool find_line(std::size_t& lf);
    // Strips the CR of a line ending at lf; reports a bare LF.
    bool line_before(std::size_t lf, bool allow_bare_lf, std::string_view& line);
    std::optional<Event> step();  // nullopt: progress made, keep going
    std::optional<Event> field_line(std::size_t lf, bool trailer);
    Event content(std::uint64_t& remaining, State after);

    ParserLimits limits_;
    std::string buffer_;
    std::size_t pos_ = 0;      // first unparsed byte
    std::size_t scanned_ = 0;  // bytes after pos_ already searched for LF
    State state_ = State::start_line;
    bool message_started_ = false;  // the current message has been reset and is being filled
    bool tunnel_after_ = false;
    Error error_ = Error::bad_request_line;
    Framing framing_;
    std::uint64_t remaining_ = 0;  // of a Content-Length body or the current chunk
    std::uint64_t body_bytes_ = 0;
    std::size_t section_bytes_ = 0;  // field or trailer section so far
    Fields trailers_;
};

}  // namespace detail
}  // namespace layer7::http::h1
