// multipart/form-data: see form_data.hpp.
#include "mail/web/form_data.hpp"

#include "mail/message/mime_parser.hpp"

namespace layer7::mail::web {

std::optional<std::vector<FormPart>> parse_form_data(std::string_view content_type, std::string_view body,
                                                     const FormDataLimits& limits)
{
    const ParamField type = parse_param_field(content_type);
    if (type.value != "multipart/form-data" || type.param("boundary").empty())
        return std::nullopt;
    // The body after a synthetic header is a MIME entity the parser knows.
    std::string entity = "Content-Type: multipart/form-data" + format_param("boundary", type.param("boundary")) + "\r\n\r\n";
    entity.append(body);
    MessageLimits mime;
    mime.max_depth = 2;  // RFC 7578 §4.3: no nested multipart/mixed any more
    mime.max_parts = limits.max_parts + 1;
    auto root = parse_message(entity, mime);
    if (!root || !root->is_multipart())
        return std::nullopt;
    std::vector<FormPart> parts;
    for (const auto& p : root->parts) {
        if (p.disposition.value != "form-data" || p.is_multipart())
            continue;
        FormPart f;
        f.name = std::string(p.disposition.param("name"));
        f.filename = std::string(p.disposition.param("filename"));
        f.content_type = p.content_type.value;
        // the raw bytes: browsers send no Content-Transfer-Encoding, so nothing is decoded
        const std::size_t start = p.offset + p.header_size;
        f.data = entity.substr(start, p.size - p.header_size);
        parts.push_back(std::move(f));
    }
    return parts;
}

std::string_view form_value(const std::vector<FormPart>& parts, std::string_view name)
{
    for (const auto& p : parts)
        if (!p.is_file() && p.name == name)
            return p.data;
    return {};
}

}  // namespace layer7::mail::web
