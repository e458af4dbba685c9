// The terminal view of a message: see display.hpp.
#include "mail/message/display.hpp"

#include <cstdio>

#include "mail/message/encoded_word.hpp"
#include "mail/message/header.hpp"
#include "mail/message/mime_parser.hpp"

namespace layer7::mail {
namespace {

// Drops C0 controls but tab and newline, and DEL: an ESC from a message must not reach the terminal.
std::string printable(std::string_view text, bool keep_newlines)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\n' && keep_newlines)
            out += c;
        else if (c == '\t' || (c == '\n' && !keep_newlines))
            out += ' ';
        else if (u >= 0x20 && u != 0x7F)
            out += c;
    }
    return out;
}

std::string size_text(std::uint64_t bytes)
{
    char out[32];
    if (bytes < 1024)
        std::snprintf(out, sizeof out, "%llu B", static_cast<unsigned long long>(bytes));
    else if (bytes < 1024 * 1024)
        std::snprintf(out, sizeof out, "%llu KB", static_cast<unsigned long long>((bytes + 512) / 1024));
    else
        std::snprintf(out, sizeof out, "%llu MB", static_cast<unsigned long long>((bytes + (1 << 19)) >> 20));
    return out;
}

std::string text_of(const MimePart& part)
{
    const std::string_view charset = part.content_type.param("charset");
    std::string text = charset.empty() ? part.body : charset_to_utf8(charset, part.body).value_or(part.body);
    std::string out;
    for (char c : text)  // CRLF → LF
        if (c != '\r')
            out += c;
    return out;
}

// HTML reduced to its text: tags and the content of script/style dropped, a few entities decoded.
std::string html_text(std::string_view html)
{
    std::string out;
    for (std::size_t i = 0; i < html.size();) {
        if (html[i] == '<') {
            const std::size_t close = html.find('>', i);
            if (close == std::string_view::npos)
                break;
            std::string tag;
            for (std::size_t j = i + 1; j < close && tag.size() < 8 && html[j] != ' '; ++j)
                tag += static_cast<char>(html[j] >= 'A' && html[j] <= 'Z' ? html[j] + 32 : html[j]);
            if (tag == "script" || tag == "style") {
                const std::size_t end = html.find("</", close);
                const std::size_t gt = end == std::string_view::npos ? end : html.find('>', end);
                i = gt == std::string_view::npos ? html.size() : gt + 1;
                continue;
            }
            if (tag == "br" || tag == "br/" || tag == "p" || tag == "/p" || tag == "div" || tag == "/div" ||
                tag == "tr")
                out += '\n';
            i = close + 1;
            continue;
        }
        if (html[i] == '&') {
            static constexpr std::pair<std::string_view, char> entities[] = {
                {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&nbsp;", ' '}, {"&#39;", '\''}};
            bool done = false;
            for (auto [name, c] : entities)
                if (html.substr(i, name.size()) == name) {
                    out += c;
                    i += name.size();
                    done = true;
                    break;
                }
            if (done)
                continue;
        }
        if (html[i] != '\r')
            out += html[i];
        ++i;
    }
    return out;
}

}  // namespace

std::string summary_line(std::string_view id, std::string_view flags, std::uint64_t size, std::string_view header)
{
    std::string from, subject;
    if (auto parsed = parse_header(header)) {
        from = decode_encoded_words(parsed->header.get("From"));
        subject = decode_encoded_words(parsed->header.get("Subject"));
    }
    char head[64];
    std::snprintf(head, sizeof head, "%6.*s  %-4.*s %7s  ", static_cast<int>(std::min<std::size_t>(id.size(), 12)),
                  id.data(), static_cast<int>(std::min<std::size_t>(flags.size(), 8)), flags.data(),
                  size_text(size).c_str());
    return head + printable(from.substr(0, 40), false) + "  " +
           printable(subject.empty() ? "(no subject)" : subject, false);
}

std::string display_message(std::string_view message)
{
    auto parsed = parse_message(message);
    MimePart fallback;
    if (!parsed) {
        fallback.content_type = {"text/plain", {}};
        fallback.body = std::string(message);
    }
    const MimePart& root = parsed ? *parsed : fallback;
    std::string out;
    for (std::string_view name : {"From", "To", "Cc", "Date", "Subject"}) {
        const std::string value = decode_encoded_words(root.header.get(name));
        if (!value.empty())
            out += std::string(name) + ": " + printable(value, false) + "\n";
    }
    out += "\n";
    const MimePart* text = nullptr;
    const MimePart* html = nullptr;
    std::string attachments;
    for (const MimePart* leaf : leaves(root)) {
        if (leaf->is_attachment()) {
            attachments += "[attachment: " + printable(leaf->filename, false) + " (" + leaf->content_type.value + ", " +
                           size_text(leaf->body.size()) + ")]\n";
            continue;
        }
        if (!text && leaf->content_type.value == "text/plain")
            text = leaf;
        if (!html && leaf->content_type.value == "text/html")
            html = leaf;
    }
    std::string body = text ? text_of(*text) : html ? html_text(text_of(*html)) : std::string();
    out += printable(body, true);
    if (!out.empty() && out.back() != '\n')
        out += '\n';
    if (!attachments.empty())
        out += "\n" + attachments;
    return out;
}

}  // namespace layer7::mail
