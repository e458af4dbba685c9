// Header section parser: see header.hpp.
#include "mail/message/header.hpp"

namespace layer7::mail {
namespace {

bool is_wsp(char c)
{
    return c == ' ' || c == '\t';
}

std::string_view trim_wsp(std::string_view s)
{
    while (!s.empty() && is_wsp(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && is_wsp(s.back()))
        s.remove_suffix(1);
    return s;
}

// RFC 5322 §3.6.8: ftext is printable US-ASCII except ':'. Returns the name length or 0 and sets
// `colon` to the colon's index; obs-optional (§4.5.8) allows WSP before the colon.
std::size_t field_name(std::string_view line, std::size_t& colon)
{
    std::size_t i = 0;
    while (i < line.size() && line[i] > 32 && line[i] < 127 && line[i] != ':')
        ++i;
    const std::size_t name_end = i;
    while (i < line.size() && is_wsp(line[i]))
        ++i;
    if (name_end == 0 || i >= line.size() || line[i] != ':')
        return 0;
    colon = i;
    return name_end;
}

}  // namespace

const HeaderField* Header::find(std::string_view name) const
{
    for (const auto& field : fields)
        if (iequals(field.name, name))
            return &field;
    return nullptr;
}

std::string_view Header::get(std::string_view name) const
{
    const HeaderField* field = find(name);
    return field ? std::string_view(field->value) : std::string_view();
}

core::Result<ParsedHeader, ParseError> parse_header(std::string_view bytes, const MessageLimits& limits)
{
    ParsedHeader out;
    std::size_t pos = 0;
    out.body_offset = bytes.size();
    while (pos < bytes.size()) {
        const std::size_t nl = bytes.find('\n', pos);
        const std::size_t line_end = nl == std::string_view::npos ? bytes.size() : nl;
        const std::size_t next = nl == std::string_view::npos ? bytes.size() : nl + 1;
        std::size_t content_end = line_end;
        if (content_end > pos && bytes[content_end - 1] == '\r')
            --content_end;
        const std::string_view line = bytes.substr(pos, content_end - pos);
        if (line.size() > limits.max_header_line)
            return core::fail(ParseError::header_line_too_long);
        if (next > limits.max_header_bytes)
            return core::fail(ParseError::header_too_large);
        if (line.empty()) {
            out.body_offset = next;
            break;
        }
        if (is_wsp(line.front())) {
            if (out.header.fields.empty()) {  // a continuation of nothing: the body starts here
                out.body_offset = pos;
                break;
            }
            HeaderField& last = out.header.fields.back();
            last.raw.append(bytes.substr(pos, next - pos));
            last.value.append(line);  // §2.2.3: unfolding removes only the CRLF
        } else {
            std::size_t colon = 0;
            const std::size_t name_len = field_name(line, colon);
            if (name_len == 0) {
                out.body_offset = pos;
                break;
            }
            if (out.header.fields.size() == limits.max_header_fields)
                return core::fail(ParseError::too_many_fields);
            out.header.fields.push_back({std::string(line.substr(0, name_len)), std::string(line.substr(colon + 1)),
                                         std::string(bytes.substr(pos, next - pos))});
        }
        pos = next;
    }
    for (auto& field : out.header.fields)
        field.value = std::string(trim_wsp(field.value));
    return out;
}

}  // namespace layer7::mail
