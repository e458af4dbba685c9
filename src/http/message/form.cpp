// application/x-www-form-urlencoded decoding and encoding.
#include "http/message/form.hpp"

#include "http/message/target.hpp"

namespace layer7::http {

namespace {

std::optional<std::string> decode_part(std::string_view s)
{
    // Lenient about bad escapes (browsers send '%' raw), strict about NUL, escaped or not.
    auto lenient = percent_decode(s, {.keep_malformed = true, .allow_nul = true, .plus_is_space = true});
    if (lenient.value().find('\0') != std::string::npos)
        return std::nullopt;
    return std::move(lenient).value();
}

std::string encode_part(std::string_view s)
{
    std::string out = percent_encode(s, " ");
    for (char& c : out)
        if (c == ' ')
            c = '+';
    return out;
}

}  // namespace

std::optional<FormFields> decode_form(std::string_view body, const FormLimits& limits)
{
    FormFields out;
    while (!body.empty()) {
        auto amp = body.find('&');
        std::string_view pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view{} : body.substr(amp + 1);
        if (pair.empty())
            continue;
        if (out.size() == limits.max_fields)
            return std::nullopt;
        auto eq = pair.find('=');
        auto name = decode_part(pair.substr(0, eq));
        auto value = decode_part(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
        if (!name || !value)
            return std::nullopt;
        out.emplace_back(std::move(*name), std::move(*value));
    }
    return out;
}

std::string encode_form(const FormFields& fields)
{
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty())
            out += '&';
        out += encode_part(name);
        out += '=';
        out += encode_part(value);
    }
    return out;
}

}  // namespace layer7::http
