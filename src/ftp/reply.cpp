// FTP reply encoder and parser: see reply.hpp.
#include "ftp/reply.hpp"
#include "core/text/ascii.hpp"

namespace layer7::ftp {

namespace {
// "123" followed by ' ', '-' or the end of line.
std::optional<int> code_of(std::string_view line)
{
    if (line.size() < 3 || !core::is_digit(line[0]) || !core::is_digit(line[1]) || !core::is_digit(line[2]))
        return std::nullopt;
    if (line.size() > 3 && line[3] != ' ' && line[3] != '-')
        return std::nullopt;
    return (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
}
}  // namespace

std::string to_wire(const Reply& reply)
{
    // Always three digits: the parser reads "051" as 51, which must go out as "051" again.
    const int c = reply.code < 0 ? 0 : reply.code % 1000;
    const std::string code{char('0' + c / 100), char('0' + c / 10 % 10), char('0' + c % 10)};
    std::string out;
    std::string_view text = reply.text;
    std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos)
        return code + " " + std::string(text) + "\r\n";
    out = code + "-" + std::string(text.substr(0, nl)) + "\r\n";
    text.remove_prefix(nl + 1);
    while ((nl = text.find('\n')) != std::string_view::npos) {
        out.append(text.substr(0, nl)).append("\r\n");
        text.remove_prefix(nl + 1);
    }
    out += code + " " + std::string(text) + "\r\n";
    return out;
}

std::string to_wire(const std::vector<Reply>& replies)
{
    std::string out;
    for (const auto& r : replies)
        out += to_wire(r);
    return out;
}

ReplyEvent ReplyParser::next()
{
    for (;;) {
        core::LineEvent ev = lines_.next();
        if (ev.status == core::LineStatus::need_more)
            return {};
        if (ev.status == core::LineStatus::too_long)
            return {ReplyEvent::Kind::error, {}, ReplyError::line_too_long};
        const std::string_view line = ev.text;
        const auto code = code_of(line);
        if (!partial_) {
            if (!code)
                return {ReplyEvent::Kind::error, {}, ReplyError::bad_code};
            const std::string text(line.size() > 4 ? line.substr(4) : std::string_view());
            if (line.size() > 3 && line[3] == '-') {
                partial_ = Reply{*code, text};
                line_count_ = 1;
                continue;
            }
            return {ReplyEvent::Kind::reply, Reply{*code, text}, {}};
        }
        // Inside a multi-line reply only "<same code> " ends it (RFC 959 §4.2).
        if (++line_count_ > limits_.max_lines)
            return {ReplyEvent::Kind::error, {}, ReplyError::reply_too_long};
        partial_->text += '\n';
        if (code && *code == partial_->code && (line.size() == 3 || line[3] == ' ')) {
            partial_->text.append(line.size() > 4 ? line.substr(4) : std::string_view());
            Reply done = std::move(*partial_);
            partial_.reset();
            return {ReplyEvent::Kind::reply, std::move(done), {}};
        }
        partial_->text.append(line);
    }
}

}  // namespace layer7::ftp
