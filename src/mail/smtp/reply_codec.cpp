// SMTP reply codec: see reply_codec.hpp.
#include "mail/smtp/reply_codec.hpp"
#include "core/text/ascii.hpp"

namespace layer7::smtp {
namespace {

// RFC 4954 §4: a SASL continuation is "334" SP [base64] CRLF, so an empty challenge (AUTH PLAIN
// without an initial response) is "334 " — strict clients (s-nail) give up on a bare "334".
constexpr int sasl_continuation = 334;

void append_line(std::string& out, int code, std::string_view text, bool last)
{
    out += std::to_string(code);
    if (!text.empty() || !last || code == sasl_continuation)
        out += last ? ' ' : '-';
    for (char c : text)
        out.push_back(c == '\r' ? ' ' : c);
    out += "\r\n";
}

}  // namespace

std::string to_wire(const Reply& reply)
{
    std::string out;
    std::string_view text = reply.text;
    for (;;) {
        const std::size_t nl = text.find('\n');
        if (nl == std::string_view::npos) {
            append_line(out, reply.code, text, true);
            return out;
        }
        append_line(out, reply.code, text.substr(0, nl), false);
        text.remove_prefix(nl + 1);
    }
}

std::string to_wire(const std::vector<Reply>& replies)
{
    std::string out;
    for (const auto& reply : replies)
        out += to_wire(reply);
    return out;
}

std::string_view enhanced_code(std::string_view text)
{
    // class "." subject "." detail: 1 digit, 1–3 digits, 1–3 digits (RFC 3463 §2).
    std::size_t i = 0;
    if (text.size() < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.')
        return {};
    i = 2;
    for (int group = 0; group < 2; ++group) {
        const std::size_t start = i;
        while (i < text.size() && core::is_digit(text[i]) && i - start < 3)
            ++i;
        if (i == start)
            return {};
        if (group == 0) {
            if (i >= text.size() || text[i] != '.')
                return {};
            ++i;
        }
    }
    if (i < text.size() && text[i] != ' ')
        return {};
    return text.substr(0, i);
}

core::Result<std::optional<Reply>, ReplyError> ReplyParser::on_line(std::string_view line)
{
    const auto fail = [this](ReplyError error) {
        pending_ = {};
        lines_ = 0;
        return core::fail(error);
    };
    if (line.size() > limits_.max_line)
        return fail(ReplyError::line_too_long);
    if (line.size() < 3 || !core::is_digit(line[0]) || !core::is_digit(line[1]) || !core::is_digit(line[2]) || line[0] < '2' ||
        line[0] > '5' || (line.size() > 3 && line[3] != ' ' && line[3] != '-'))
        return fail(ReplyError::malformed_line);
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (lines_ > 0 && code != pending_.code)
        return fail(ReplyError::code_mismatch);
    if (++lines_ > limits_.max_lines)
        return fail(ReplyError::too_many_lines);
    if (lines_ > 1)
        pending_.text += '\n';
    pending_.code = code;
    pending_.text += line.size() > 4 ? line.substr(4) : std::string_view();
    if (line.size() > 3 && line[3] == '-')
        return std::optional<Reply>();
    Reply done = std::move(pending_);
    pending_ = {};
    lines_ = 0;
    return std::optional<Reply>(std::move(done));
}

}  // namespace layer7::smtp
