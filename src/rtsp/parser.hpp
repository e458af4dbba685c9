// MessageParser: splits an RTSP connection's bytes into requests, responses and interleaved
// frames (pure). Lines come from core::LineParser, the one line reader; a '$' where a message
// would start is a binary frame (RFC 2326 §10.12). Every size is bounded: a line, a header block,
// a body, a frame — an oversized frame is skipped and reported, the rest are errors that map to
// a status (400, 413) after which the connection is closed.
#pragma once

#include <cstddef>
#include <string_view>
#include <variant>

#include "core/text/line_parser.hpp"
#include "rtsp/message.hpp"

namespace layer7::rtsp {

struct ParserLimits {
    std::size_t max_line = 4096;         // request line or one header line
    std::size_t max_header = 16 * 1024;  // the whole header block
    std::size_t max_body = 64 * 1024;    // an SDP is a few hundred bytes
    std::size_t max_frame = 8192;        // an interleaved RTP/RTCP packet; MTU-sized in practice
    std::size_t max_headers = 64;        // field lines per message
};

enum class ParseError {
    bad_start_line,    // not "METHOD URI RTSP/1.0" / "RTSP/1.0 CODE REASON"
    bad_version,       // not RTSP/1.0 → 505
    bad_header,        // no colon, bad name or value, obs-fold
    line_too_long,     // → 414 for a request line, else 400
    header_too_large,  // → 400 (the block or the count)
    bad_length,        // Content-Length not a number
    body_too_large,    // → 413
};
// The status a server answers a parse error with.
int status_for(ParseError e);
const char* to_string(ParseError e);

struct NeedMore {};
struct FrameDropped {  // an interleaved frame over max_frame, skipped
    std::uint8_t channel = 0;
    std::size_t size = 0;
};
using ParseEvent = std::variant<NeedMore, Request, Response, Interleaved, FrameDropped, ParseError>;

class MessageParser {
public:
    explicit MessageParser(const ParserLimits& limits = {}) : limits_(limits), lines_(limits.max_line) {}

    void feed(std::string_view bytes) { lines_.feed(bytes); }
    // The next event; call until NeedMore. After a ParseError the parser stays failed.
    ParseEvent next();
    std::size_t buffered() const { return lines_.buffered(); }

private:
    enum class State { start, headers, body, skipping, failed };
    ParseEvent fail(ParseError e);
    ParseEvent start_line(std::string_view line);
    ParseEvent header_line(std::string_view line);
    ParseEvent finish_headers();

    ParserLimits limits_;
    core::LineParser lines_;
    State state_ = State::start;
    bool is_request_ = true;
    Request request_;
    Response response_;
    std::size_t header_bytes_ = 0;
    std::size_t body_length_ = 0;
    std::size_t skip_ = 0;  // bytes of a dropped frame still to skip
};

}  // namespace layer7::rtsp
