// MIME tree parser: see mime_parser.hpp.
#include "mail/message/mime_parser.hpp"

#include "mail/message/encoded_word.hpp"
#include "mail/message/transfer_encoding.hpp"

namespace layer7::mail {
namespace {

struct Walk {
    const MessageLimits& limits;
    const char* base;  // the first byte of the whole message, for MimePart::offset
    std::size_t parts = 0;
};

bool only_wsp(std::string_view s)
{
    return s.find_first_not_of(" \t") == std::string_view::npos;
}

// Splits a multipart body at its delimiter lines (RFC 2046 §5.1.1). The line break before a
// delimiter belongs to the delimiter. A missing close delimiter ends the last part at the end.
std::vector<std::string_view> split_parts(std::string_view body, std::string_view boundary)
{
    std::vector<std::string_view> out;
    const std::string dashes = "--" + std::string(boundary);
    std::size_t part_start = std::string_view::npos;  // npos: still in the preamble
    for (std::size_t line = 0; line < body.size();) {
        const std::size_t nl = body.find('\n', line);
        const std::size_t next = nl == std::string_view::npos ? body.size() : nl + 1;
        std::string_view text = body.substr(line, next - line);
        while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
            text.remove_suffix(1);
        if (text.substr(0, dashes.size()) == dashes) {
            std::string_view rest = text.substr(dashes.size());
            const bool close = rest.substr(0, 2) == "--";
            if (close)
                rest.remove_prefix(2);
            if (only_wsp(rest)) {
                if (part_start != std::string_view::npos) {
                    std::size_t end = line;
                    if (end > part_start && body[end - 1] == '\n')
                        --end;
                    if (end > part_start && body[end - 1] == '\r')
                        --end;
                    out.push_back(body.substr(part_start, end - part_start));
                }
                if (close)
                    return out;
                part_start = next;
            }
        }
        line = next;
    }
    if (part_start != std::string_view::npos)
        out.push_back(body.substr(part_start));
    return out;
}

core::Result<MimePart, ParseError> parse_part(std::string_view bytes, std::size_t depth, Walk& walk)
{
    auto parsed = parse_header(bytes, walk.limits);
    if (!parsed)
        return core::fail(parsed.error());
    MimePart part;
    part.header = std::move(parsed->header);
    part.offset = static_cast<std::size_t>(bytes.data() - walk.base);
    part.header_size = parsed->body_offset;
    part.size = bytes.size();
    part.content_type = parse_param_field(part.header.get("Content-Type"));
    const std::string& type = part.content_type.value;
    if (type.empty() || type.find('/') == std::string::npos || type.front() == '/' || type.back() == '/')
        part.content_type = {"text/plain", {{"charset", "us-ascii"}}};
    part.disposition = parse_param_field(part.header.get("Content-Disposition"));
    part.transfer_encoding = parse_param_field(part.header.get("Content-Transfer-Encoding")).value;
    if (part.transfer_encoding.empty())
        part.transfer_encoding = "7bit";
    std::string_view name = part.disposition.param("filename");
    if (name.empty())
        name = part.content_type.param("name");
    part.filename = decode_encoded_words(name);  // not RFC 2231, but common (Outlook, Gmail)

    const std::string_view body = bytes.substr(parsed->body_offset);
    const std::string_view boundary = part.content_type.param("boundary");
    if (part.content_type.value.rfind("multipart/", 0) == 0 && !boundary.empty()) {
        const auto pieces = split_parts(body, boundary);
        if (!pieces.empty()) {
            if (depth + 1 > walk.limits.max_depth)
                return core::fail(ParseError::too_deep);
            for (std::string_view piece : pieces) {
                if (++walk.parts > walk.limits.max_parts)
                    return core::fail(ParseError::too_many_parts);
                auto child = parse_part(piece, depth + 1, walk);
                if (!child)
                    return child;
                part.parts.push_back(std::move(*child));
            }
            return part;
        }
    }
    part.body = decode_transfer_encoding(part.transfer_encoding, body);
    return part;
}

void collect(const MimePart& part, std::vector<const MimePart*>& out)
{
    if (!part.is_multipart())
        out.push_back(&part);
    for (const auto& child : part.parts)
        collect(child, out);
}

}  // namespace

bool MimePart::is_multipart() const
{
    return !parts.empty();
}

bool MimePart::is_attachment() const
{
    return !is_multipart() && (disposition.value == "attachment" || !filename.empty());
}

core::Result<MimePart, ParseError> parse_message(std::string_view bytes, const MessageLimits& limits)
{
    Walk walk{limits, bytes.data()};
    return parse_part(bytes, 0, walk);
}

std::string subject(const MimePart& message)
{
    return decode_encoded_words(message.header.get("Subject"));
}

std::vector<const MimePart*> leaves(const MimePart& root)
{
    std::vector<const MimePart*> out;
    collect(root, out);
    return out;
}

}  // namespace layer7::mail
