// Message builder: see message_builder.hpp.
#include "mail/message/message_builder.hpp"

#include <algorithm>

#include "mail/message/date.hpp"
#include "mail/message/encoded_word.hpp"
#include "mail/message/mime_params.hpp"
#include "mail/message/transfer_encoding.hpp"

namespace layer7::mail {
namespace {

constexpr std::size_t fold_width = 78;  // RFC 5322 §2.1.1

bool is_token(std::string_view s)
{
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        const auto b = static_cast<unsigned char>(c);
        return b > 32 && b < 127 && std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
    });
}

// "type/subtype" with two tokens, else application/octet-stream (no header injection).
std::string media_type(std::string_view type)
{
    const std::size_t slash = type.find('/');
    if (slash == std::string_view::npos || !is_token(type.substr(0, slash)) || !is_token(type.substr(slash + 1)))
        return "application/octet-stream";
    return std::string(type);
}

bool writable(const Mailbox& box)
{
    const auto clean = [](std::string_view s) {
        return std::none_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 32; });
    };
    if (box.local_part.empty() || box.domain.empty() || !clean(box.local_part) || !clean(box.domain))
        return false;
    return std::none_of(box.domain.begin(), box.domain.end(),
                        [](char c) { return c == ' ' || c == '<' || c == '>' || c == ',' || c == '"'; });
}

// "To: a, b" folded after commas.
std::string address_field(std::string_view name, const std::vector<Mailbox>& boxes)
{
    std::string out = std::string(name) + ": ";
    std::size_t column = out.size();
    for (std::size_t i = 0; i < boxes.size(); ++i) {
        std::string item = format_mailbox(boxes[i], column);
        if (i + 1 < boxes.size())
            item += ',';
        if (i > 0) {
            const std::size_t first_line = std::min(item.find('\r'), item.size());
            if (column + 1 + first_line > fold_width) {
                out += "\r\n";
                column = 0;
                item = format_mailbox(boxes[i], 1) + (i + 1 < boxes.size() ? "," : "");
            }
            out += ' ';
            ++column;
        }
        out += item;
        const std::size_t last_break = item.rfind('\n');
        column = last_break == std::string::npos ? column + item.size() : item.size() - last_break - 1;
    }
    return out + "\r\n";
}

// Canonical text: every line break CRLF (RFC 2046 §4.1.1).
std::string to_crlf(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r') {
            out += "\r\n";
            if (i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
        } else if (text[i] == '\n') {
            out += "\r\n";
        } else {
            out.push_back(text[i]);
        }
    }
    return out;
}

// Header + body of the text part: 7bit when it can be, else quoted-printable. 7bit text cannot
// hold "=_", so the "=_" boundary never collides with it (nor with base64 or QP output).
std::string text_part(std::string_view text)
{
    const std::string canonical = to_crlf(text);
    bool ascii = canonical.find("=_") == std::string::npos;
    std::size_t column = 0;
    for (char c : canonical) {
        const auto b = static_cast<unsigned char>(c);
        if (b >= 127 || (b < 32 && c != '\r' && c != '\n' && c != '\t'))
            ascii = false;
        column = c == '\n' ? 0 : column + 1;
        if (column > fold_width)
            ascii = false;
    }
    std::string out = "Content-Type: text/plain; charset=" + std::string(ascii ? "us-ascii" : "utf-8") + "\r\n";
    out += "Content-Transfer-Encoding: " + std::string(ascii ? "7bit" : "quoted-printable") + "\r\n\r\n";
    return out + (ascii ? canonical : qp_encode(canonical));
}

std::string attachment_part(const Attachment& attachment)
{
    std::string out = "Content-Type: " + media_type(attachment.content_type);
    out += "\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment";
    if (!attachment.filename.empty())
        out += format_param("filename", attachment.filename);
    return out + "\r\n\r\n" + base64_encode_lines(attachment.data);
}

}  // namespace

core::Result<std::string, BuildError> build_message(const Draft& draft)
{
    if (!writable(draft.from))
        return core::fail(BuildError::bad_address);
    for (const auto* list : {&draft.to, &draft.cc})
        if (!std::all_of(list->begin(), list->end(), writable))
            return core::fail(BuildError::bad_address);
    if (draft.message_id.empty() || !std::all_of(draft.message_id.begin(), draft.message_id.end(), [](char c) {
            return c > 32 && c < 127 && c != '<' && c != '>' && c != '@' && c != '"' && c != '\\';
        }))
        return core::fail(BuildError::bad_message_id);

    std::string out = "From: " + format_mailbox(draft.from, 6) + "\r\n";
    if (!draft.to.empty())
        out += address_field("To", draft.to);
    if (!draft.cc.empty())
        out += address_field("Cc", draft.cc);
    out += "Subject: " + encode_header_text(draft.subject, 9) + "\r\n";
    out += "Date: " + format_date(draft.date, draft.utc_offset_minutes) + "\r\n";
    out += "Message-ID: <" + draft.message_id + "@" + draft.from.domain + ">\r\n";
    out += "MIME-Version: 1.0\r\n";
    if (draft.attachments.empty())
        return out + text_part(draft.text);

    std::string boundary = "=_layer7_";  // "=_" cannot occur in any part; ≤ 70 characters (RFC 2046)
    for (char c : draft.message_id)
        if (boundary.size() < 50 && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')))
            boundary.push_back(c);
    out += "Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
    out += "This is a multi-part message in MIME format.\r\n";
    out += "--" + boundary + "\r\n" + text_part(draft.text);
    for (const auto& attachment : draft.attachments) {
        out += "\r\n--" + boundary + "\r\n" + attachment_part(attachment);
        if (out.size() >= 2 && out.compare(out.size() - 2, 2, "\r\n") == 0)
            out.resize(out.size() - 2);  // the delimiter's CRLF closes the last base64 line
    }
    return out + "\r\n--" + boundary + "--\r\n";
}

}  // namespace layer7::mail
