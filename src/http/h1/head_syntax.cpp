// Start-line and field-line syntax (RFC 9112 §2.3, §3, §4, §5).
#include "http/h1/head_syntax.hpp"

#include <cstring>

#include "core/text/ascii.hpp"
#include "http/message/target.hpp"
#include "http/message/token.hpp"

namespace layer7::http::h1 {

namespace {

bool has_cr(std::string_view s)
{
    return !s.empty() && std::memchr(s.data(), '\r', s.size()) != nullptr;
}

}  // namespace

MaybeError parse_version(std::string_view s, Version& out)
{
    if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || !core::is_digit(s[5]) || s[6] != '.' || !core::is_digit(s[7]))
        return Error::bad_version;
    out.major = s[5] - '0';
    out.minor = s[7] - '0';
    if (out.major != 1)
        return Error::version_not_supported;
    return std::nullopt;
}

MaybeError parse_request_line(std::string_view line, Request& out)
{
    if (has_cr(line))
        return Error::bare_cr;
    auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0)
        return Error::bad_request_line;
    auto method = Method::parse(line.substr(0, sp1));
    if (!method)
        return Error::bad_method;
    out.method = std::move(*method);
    auto sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || sp2 == sp1 + 1)
        return Error::bad_request_line;
    std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    out.target.assign(target);
    std::string_view version = line.substr(sp2 + 1);
    if (version.find(' ') != std::string_view::npos)
        return Error::bad_request_line;
    if (auto e = parse_version(version, out.version))
        return e;
    if (!parse_target(target, out.method))
        return Error::bad_target;
    return std::nullopt;
}

MaybeError parse_status_line(std::string_view line, Response& out)
{
    if (has_cr(line))
        return Error::bare_cr;
    if (line.size() < 12 || line[8] != ' ')
        return Error::bad_status_line;
    if (auto e = parse_version(line.substr(0, 8), out.version))
        return e == Error::version_not_supported ? e : Error::bad_status_line;
    if (!core::is_digit(line[9]) || !core::is_digit(line[10]) || !core::is_digit(line[11]))
        return Error::bad_status_line;
    int code = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
    if (code < 100 || code > 599)
        return Error::bad_status_line;
    out.status = static_cast<Status>(code);
    std::string_view reason;
    if (line.size() > 12) {
        if (line[12] != ' ')
            return Error::bad_status_line;
        reason = line.substr(13);
        if (!is_field_value(reason))
            return Error::bad_status_line;
    }
    out.reason.assign(reason);
    return std::nullopt;
}

MaybeError parse_field_line(std::string_view line, Fields& fields)
{
    if (line.empty())
        return Error::bad_field_line;
    if (is_ows(line[0]))
        return Error::obs_fold;  // §5.2: a server MUST reject or replace; we reject
    if (has_cr(line))
        return Error::bare_cr;
    auto colon = line.find(':');
    if (colon == std::string_view::npos)
        return Error::bad_field_line;
    std::string_view name = line.substr(0, colon);
    if (name.empty())
        return Error::bad_field_name;
    if (is_ows(name.back()))
        return Error::whitespace_before_colon;  // §5.1: MUST reject with 400
    if (!is_token(name))
        return Error::bad_field_name;
    std::string_view value = trim_ows(line.substr(colon + 1));
    if (!is_field_value(value))
        return Error::bad_field_value;
    fields.add(name, value);
    return std::nullopt;
}

}  // namespace layer7::http::h1
