// multipart/form-data request bodies (RFC 7578), for compose with attachments (pure). The framing
// is MIME's (RFC 2046 §5.1), so the project's MIME parser splits the parts; this file only names
// them: field name, file name, content type, bytes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::mail::web {

struct FormPart {
    std::string name;          // the form field
    std::string filename;      // "" for a plain field; UTF-8
    std::string content_type;  // "text/plain" when the part names none
    std::string data;          // the bytes as sent (no transfer decoding: RFC 7578 §4.7)
    bool is_file() const { return !filename.empty(); }
};

struct FormDataLimits {
    std::size_t max_parts = 64;
};

// `content_type` is the request's Content-Type field value. nullopt when it is not
// multipart/form-data with a boundary, or the body breaks a limit.
std::optional<std::vector<FormPart>> parse_form_data(std::string_view content_type, std::string_view body,
                                                     const FormDataLimits& limits = {});

// The value of the first plain field called `name`, or "".
std::string_view form_value(const std::vector<FormPart>& parts, std::string_view name);

}  // namespace layer7::mail::web
