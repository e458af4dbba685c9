// FTP replies (RFC 959 §4.2): the encoder the server uses and the byte-stream parser the client
// uses, which joins multi-line "123-…" / "123 …" replies into one Reply (pure).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text/line_parser.hpp"

namespace layer7::ftp {

// A reply: a three-digit code and its text; lines of a multi-line reply are joined by '\n'.
struct Reply {
    int code = 0;
    std::string text;
    bool operator==(const Reply&) const = default;
    bool positive_preliminary() const { return code / 100 == 1; }
    bool positive() const { return code / 100 == 2; }
    bool intermediate() const { return code / 100 == 3; }
};

// "code text\r\n", or "code-first\r\n middle…\r\ncode last\r\n" for several lines (RFC 959 §4.2).
// Middle lines are sent as they are: a caller starts them with a space so none looks like an end line.
std::string to_wire(const Reply& reply);
std::string to_wire(const std::vector<Reply>& replies);

enum class ReplyError {
    bad_code,          // a first line that does not start with three digits and ' ' or '-'
    line_too_long,     // one line over ReplyLimits::max_line
    reply_too_long,    // a multi-line reply over ReplyLimits::max_lines
};

struct ReplyLimits {
    std::size_t max_line = 8192;   // RFC 959 sets none; FEAT and STAT lines are short, paths are not
    std::size_t max_lines = 10000;  // a STAT listing over the control connection can be long
};

struct ReplyEvent {
    enum class Kind { reply, need_more, error } kind = Kind::need_more;
    Reply reply;
    ReplyError error = ReplyError::bad_code;
};

class ReplyParser {
public:
    explicit ReplyParser(ReplyLimits limits = {}) : limits_(limits), lines_(limits.max_line) {}

    // Appends received bytes.
    void feed(std::string_view bytes) { lines_.feed(bytes); }
    // The next complete reply; need_more when none is buffered. After an error, stop using it.
    ReplyEvent next();

private:
    ReplyLimits limits_;
    core::LineParser lines_;
    std::optional<Reply> partial_;  // inside a multi-line reply
    std::size_t line_count_ = 0;
};

}  // namespace layer7::ftp
