// Syntax of the HTTP/1.1 head (RFC 9112 §2–§5): start lines and field lines, one line at a time.
// Lines arrive without their CRLF; each function validates strictly and reports the RFC's error.
#pragma once

#include <optional>
#include <string_view>

#include "http/h1/error.hpp"
#include "http/message/message.hpp"

namespace layer7::http::h1 {

using MaybeError = std::optional<Error>;

// "HTTP/" DIGIT "." DIGIT; a major version other than 1 is version_not_supported.
MaybeError parse_version(std::string_view s, Version& out);
// method SP request-target SP HTTP-version (§3). Fills method and target even when the version fails,
// so a shell can recognise the HTTP/2 preface ("PRI * HTTP/2.0").
MaybeError parse_request_line(std::string_view line, Request& out);
// HTTP-version SP 3DIGIT [SP reason-phrase] (§4); the missing SP is tolerated as many clients do.
MaybeError parse_status_line(std::string_view line, Response& out);
// field-name ":" OWS field-value OWS (§5), appended to `fields`.
MaybeError parse_field_line(std::string_view line, Fields& fields);

}  // namespace layer7::http::h1
