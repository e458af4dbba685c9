// Three-digit reply codec: see reply.hpp.
#include "core/text/reply.hpp"
#include "core/text/ascii.hpp"

namespace layer7::core {
namespace {

bool starts_with_three_digits(std::string_view line)
{
    return line.size() >= 3 && is_digit(line[0]) && is_digit(line[1]) && is_digit(line[2]);
}

// The code of "ddd", "ddd text" or "ddd-text"; nullopt for any other line.
std::optional<int> code_of(std::string_view line)
{
    if (!starts_with_three_digits(line))
        return std::nullopt;
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-')
        return std::nullopt;
    return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}

bool continues(std::string_view line)
{
    return line.size() > 3 && line[3] == '-';
}
std::string_view text_of(std::string_view line)
{
    return line.size() > 4 ? line.substr(4) : std::string_view();
}

void append_text(std::string& out, std::string_view text)
{
    for (char c : text)
        out.push_back(c == '\r' ? ' ' : c);
    out += "\r\n";
}

}  // namespace

std::string to_wire(const Reply& reply, const ReplySyntax& syntax)
{
    // Always three digits, whatever the caller passed.
    const int c = reply.code < 0 ? 0 : reply.code % 1000;
    const std::string code{char('0' + c / 100), char('0' + c / 10 % 10), char('0' + c % 10)};
    std::string out;
    std::string_view text = reply.text;
    for (bool first = true;; first = false) {
        const std::size_t nl = text.find('\n');
        if (nl == std::string_view::npos) {
            out.append(code).push_back(' ');
            append_text(out, text);
            return out;
        }
        const std::string_view line = text.substr(0, nl);
        if (first || syntax.continuation == Continuation::coded)
            out.append(code).push_back('-');
        else if (starts_with_three_digits(line))  // RFC 959 §4.2: "pad the front to avoid confusion"
            out.push_back(' ');
        append_text(out, line);
        text.remove_prefix(nl + 1);
    }
}

std::string to_wire(const std::vector<Reply>& replies, const ReplySyntax& syntax)
{
    std::string out;
    for (const auto& reply : replies)
        out += to_wire(reply, syntax);
    return out;
}

std::string_view describe(ReplyError error)
{
    switch (error) {
    case ReplyError::malformed_line: return "malformed reply line";
    case ReplyError::code_mismatch: return "reply code changed inside a multi-line reply";
    case ReplyError::too_many_lines: return "reply has too many lines";
    case ReplyError::line_too_long: return "reply line too long";
    }
    return "bad reply";
}

Result<std::optional<Reply>, ReplyError> ReplyParser::on_line(std::string_view line)
{
    const auto fail = [this](ReplyError error) {
        pending_ = {};
        lines_ = 0;
        return core::fail(error);
    };
    const auto done = [this] {
        Reply reply = std::move(pending_);
        pending_ = {};
        lines_ = 0;
        return std::optional<Reply>(std::move(reply));
    };
    if (line.size() > syntax_.max_line)
        return fail(ReplyError::line_too_long);
    std::optional<int> code = code_of(line);
    if (code && (*code < syntax_.lowest_code || *code > 599))
        code.reset();
    if (lines_ == 0) {
        if (!code)
            return fail(ReplyError::malformed_line);
        lines_ = 1;
        pending_ = Reply{*code, std::string(text_of(line))};
        if (continues(line))
            return std::optional<Reply>();
        return done();
    }
    if (++lines_ > syntax_.max_lines)
        return fail(ReplyError::too_many_lines);
    const bool last = code == pending_.code && !continues(line);
    pending_.text += '\n';
    if (syntax_.continuation == Continuation::coded) {
        if (!code)
            return fail(ReplyError::malformed_line);
        if (*code != pending_.code)
            return fail(ReplyError::code_mismatch);
        pending_.text += text_of(line);
    } else {
        // RFC 959 §4.2: a middle line is text, even one that starts with digits.
        pending_.text += last ? text_of(line) : line;
    }
    if (last)
        return done();
    return std::optional<Reply>();
}

}  // namespace layer7::core
