// HTTP/1.1 head serialization (RFC 9112 §3, §4, §5).
#include "http/h1/serializer.hpp"

#include "http/message/token.hpp"

namespace layer7::http::h1 {

namespace {

void append_version(std::string& out, Version v)
{
    char buf[8] = {'H', 'T', 'T', 'P', '/', static_cast<char>('0' + v.major), '.', static_cast<char>('0' + v.minor)};
    out.append(buf, sizeof buf);
}

bool valid_fields(const Fields& fields)
{
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (!fields.known_valid(i) && !valid_field(fields[i].name, fields[i].value))
            return false;
    return true;
}

void append_fields(std::string& out, const Fields& fields)
{
    for (Field f : fields)
        append_field(out, f.name, f.value);
    out.append("\r\n");
}

}  // namespace

void append_status_line(std::string& out, Status status, Version version, std::string_view reason)
{
    unsigned c = static_cast<unsigned>(code(status)) % 1000;
    char buf[13] = {0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    0,
                    ' ',
                    static_cast<char>('0' + c / 100),
                    static_cast<char>('0' + c / 10 % 10),
                    static_cast<char>('0' + c % 10),
                    ' '};
    append_version(out, version);
    out.append(buf + 8, 5);
    out.append(reason.empty() ? reason_phrase(status) : reason);
    out.append("\r\n");
}

void append_field(std::string& out, std::string_view name, std::string_view value)
{
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
}

bool valid_field(std::string_view name, std::string_view value)
{
    return is_token(name) && is_field_value(value) && trim_ows(value).size() == value.size();
}

bool append_response_head(std::string& out, const Response& response)
{
    if (!is_field_value(response.reason) || !valid_fields(response.fields))
        return false;
    out.reserve(out.size() + 64 + response.fields.storage_bytes() + 4 * response.fields.size());
    append_status_line(out, response.status, response.version, response.reason);
    append_fields(out, response.fields);
    return true;
}

bool append_request_head(std::string& out, const Request& request)
{
    if (request.target.empty() || !valid_fields(request.fields))
        return false;
    for (char c : request.target)
        if (!is_field_vchar(c) || static_cast<unsigned char>(c) >= 0x80)
            return false;
    out.reserve(out.size() + 32 + request.target.size() + request.fields.storage_bytes() + 4 * request.fields.size());
    out.append(request.method.name());
    out.push_back(' ');
    out.append(request.target);
    out.push_back(' ');
    append_version(out, request.version);
    out.append("\r\n");
    append_fields(out, request.fields);
    return true;
}

}  // namespace layer7::http::h1
