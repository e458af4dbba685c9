// Writes HTTP/1.1 heads (RFC 9112 §3, §4, §5) by appending to a caller-owned string: a reused
// string means no allocation per response on the server's hot path.
#pragma once

#include <string>
#include <string_view>

#include "http/message/message.hpp"

namespace layer7::http::h1 {

// "HTTP/1.1 200 OK\r\n"; an empty reason uses reason_phrase(status).
void append_status_line(std::string& out, Status status, Version version = {}, std::string_view reason = {});
// "Name: value\r\n" — unchecked; use valid_field() for values from untrusted sources.
void append_field(std::string& out, std::string_view name, std::string_view value);
// Whether name is a token and value holds no CR, LF or NUL (response splitting, RFC 9112 §11.1).
bool valid_field(std::string_view name, std::string_view value);

// Status line + fields + empty line. Returns false and leaves `out` unchanged if a field is
// invalid or the reason holds a control byte.
bool append_response_head(std::string& out, const Response& response);
// Request line + fields + empty line; false (out unchanged) for an invalid target or field.
bool append_request_head(std::string& out, const Request& request);

}  // namespace layer7::http::h1
