// Three-digit replies, the one codec of SMTP (RFC 5321 §4.2) and FTP (RFC 959 §4.2) (pure): a code
// and its text; a multi-line reply is "ddd-first" … "ddd last". The encoder the servers use and the
// line-fed parser the clients use. SMTP's enhanced status codes stay in mail/smtp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace layer7::core {

// A reply: a three-digit code and its text, the lines of a multi-line reply joined by '\n'.
struct Reply {
    int code = 0;
    std::string text;
    bool operator==(const Reply&) const = default;
    bool positive_preliminary() const { return code / 100 == 1; }
    bool positive() const { return code / 100 == 2; }
    bool intermediate() const { return code / 100 == 3; }
};

// How the lines between a multi-line reply's first and last look; the one difference of the two RFCs.
enum class Continuation {
    coded,  // every line is "ddd-text" with the first line's code (RFC 5321 §4.2.1)
    free,   // middle lines are free text, written and kept as they are; only "ddd " ends (RFC 959 §4.2)
};

// One protocol's replies: its continuation lines, its lowest code and the parser's limits.
struct ReplySyntax {
    Continuation continuation = Continuation::coded;
    int lowest_code = 100;        // 100 (FTP's 1yz, RFC 959 §4.2.1); 200 for SMTP, which has no 1yz
    std::size_t max_line = 2048;  // one line, without its CRLF
    std::size_t max_lines = 100;  // lines in one reply
};

// "ddd text\r\n"; a multi-line text as "ddd-first\r\n", its middle lines, "ddd last\r\n". The last line
// always has its SP, even with no text: RFC 959 requires it and so does RFC 4954 §4 for an empty
// SASL challenge ("334 "). A CR in the text becomes a space: a lone CR is no text in either protocol.
// A free middle line that starts with three digits gets a leading space (RFC 959 §4.2), or a CR
// made a space could turn "211\r" into the reply's end.
std::string to_wire(const Reply& reply, const ReplySyntax& syntax);
// All replies, one write (SMTP PIPELINING, RFC 2920).
std::string to_wire(const std::vector<Reply>& replies, const ReplySyntax& syntax);

enum class ReplyError {
    malformed_line,  // not "ddd", "ddd text" or "ddd-text" with a code in the syntax's range
    code_mismatch,   // a continuation line with another code than the first (coded continuations)
    too_many_lines,  // a multi-line reply over ReplySyntax::max_lines
    line_too_long,   // one line over ReplySyntax::max_line
};
// The error in a few words, for a client's one-line message.
std::string_view describe(ReplyError error);

class ReplyParser {
public:
    explicit ReplyParser(const ReplySyntax& syntax) : syntax_(syntax) {}
    // One line, CRLF stripped: the whole reply after its last line, nullopt while it continues.
    // After an error the parser starts afresh with the next line.
    Result<std::optional<Reply>, ReplyError> on_line(std::string_view line);
    const ReplySyntax& syntax() const { return syntax_; }

private:
    ReplySyntax syntax_;
    Reply pending_;
    std::size_t lines_ = 0;  // lines of pending_ so far
};

}  // namespace layer7::core
