// LineReader: the coroutine side of core::LineParser — reads lines from a Stream with the
// stream's idle timeout, and switches to counted bytes and back (bodies, IMAP literals).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/net/stream.hpp"
#include "core/text/line_parser.hpp"

namespace layer7::core {

enum class ReadStatus {
    line,       // `text` holds a line without its terminator
    too_long,   // over the maximum; the rest of that line is skipped
    closed,     // the peer closed (or an I/O error)
    timed_out,  // the idle timeout passed
};

struct ReadLine {
    ReadStatus status;
    std::string_view text;  // valid until the next read
    LineEnd end = LineEnd::crlf;
};

class LineReader {
public:
    LineReader(Stream& stream, std::size_t max_line) : stream_(stream), parser_(max_line) {}

    // Where the line is awaited: inside a message (DATA, a literal), or where a new command may
    // begin. There, while it waits with nothing buffered, a server stop ends the wait with
    // ReadStatus::closed and Stream::draining() true, so that the protocol can say goodbye
    // (SMTP and FTP 421, IMAP BYE); a transfer in flight is left to finish.
    enum class Wait { in_message, for_command };
    // The next line; each received line is traced as the peer's ("C:" on a server).
    awaitable<ReadLine> read_line(Wait wait = Wait::in_message);
    // Exactly n bytes (counted mode); shorter only when the peer closed or timed out.
    awaitable<std::pair<ReadStatus, std::string>> read_exactly(std::size_t n);
    // Bytes received but not yet consumed.
    std::size_t buffered() const { return parser_.buffered(); }
    // Drops pipelined input (at STARTTLS, CVE-2011-0411).
    void discard_buffered() { parser_.discard_buffered(); }

private:
    // Reads more into the parser. On plain TCP through the worker's buffer after a wait that holds
    // none (Stream::read_now); when `idle` (the session waits for a command) the parser's emptied
    // buffer is given back before that wait, while inside a message it is kept for the next chunk.
    // Through TLS into this reader's buffer, made at the first such read.
    awaitable<ReadStatus> fill(bool idle);

    Stream& stream_;
    LineParser parser_;
};

}  // namespace layer7::core
