// LineParser: splits a byte stream into CRLF/LF-terminated lines with a maximum length (pure).
// The one line reader of every text protocol (SMTP, POP3, IMAP, FTP, HTTP/1 header lines).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace layer7::core {

// How a line ended. A bare LF is legal in some protocols and an attack in others
// (SMTP smuggling, RFC 5321 §4.1.4): the protocol decides, the parser only reports it.
enum class LineEnd { crlf, bare_lf };

enum class LineStatus {
    line,       // a complete line is in `text` (terminator stripped)
    too_long,   // the line exceeded max_line; its bytes up to the next LF are discarded
    need_more,  // no complete line buffered
};

struct LineEvent {
    LineStatus status = LineStatus::need_more;
    std::string_view text;  // valid until the next call to feed() or next()
    LineEnd end = LineEnd::crlf;
};

class LineParser {
public:
    explicit LineParser(std::size_t max_line = 4096) : max_line_(max_line) {}

    // Appends received bytes.
    void feed(std::string_view bytes);
    // The next event; call until need_more.
    LineEvent next();

    // Counted mode (IMAP {n} literals, message bodies): bytes already buffered.
    std::size_t buffered() const { return buffer_.size() - start_; }
    // The buffered bytes, unconsumed (RTSP peeks for a '$' interleaved frame before a line).
    std::string_view peek() const { return std::string_view(buffer_).substr(start_); }
    // Removes and returns up to n buffered bytes.
    std::string take(std::size_t n);
    // Drops everything buffered (STARTTLS: pipelined plaintext must not survive, CVE-2011-0411).
    void discard_buffered();
    // With nothing buffered, frees the buffer: a connection waiting for its next command keeps no
    // memory it does not use. Views of earlier lines become invalid.
    void release_buffer();
    std::size_t max_line() const { return max_line_; }

private:
    void compact();

    std::string buffer_;
    std::size_t start_ = 0;    // first unconsumed byte
    std::size_t scanned_ = 0;  // bytes after start_ already searched for LF
    std::size_t max_line_;
    bool discarding_ = false;  // inside an over-long line, skipping to its LF
};

// Dot-stuffing (RFC 5321 §4.5.2, RFC 1939 §3): "." alone ends the data; a leading "." is removed.
struct DotLine {
    bool end = false;
    std::string_view text;
};
DotLine unstuff_dot(std::string_view line);

}  // namespace layer7::core
