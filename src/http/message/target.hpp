// Request-target forms (RFC 9112 §3.2), absolute URLs (RFC 3986), percent-decoding and
// dot-segment removal (RFC 3986 §5.2.4) for mapping a path onto a file tree safely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "http/message/method.hpp"
#include "core/text/percent.hpp"

namespace layer7::http {

enum class TargetForm { origin, absolute, authority, asterisk };

// Views into the raw target string.
struct Target {
    TargetForm form = TargetForm::origin;
    std::string_view scheme;     // absolute-form only
    std::string_view authority;  // absolute- and authority-form: host[:port]
    std::string_view path;       // "/" for an absolute-form without path; empty for authority/asterisk
    std::string_view query;      // without '?'; empty when absent
    bool has_query = false;
};

// Parses a request-target as sent in the request line. CONNECT requires authority-form,
// OPTIONS alone may use "*" (RFC 9112 §3.2.3, §3.2.4). Rejects bytes outside RFC 3986.
std::optional<Target> parse_target(std::string_view raw, const Method& method);

// An absolute http(s) URL split for a client or proxy.
struct Url {
    std::string scheme;          // lower-case
    std::string host;            // IPv6 without brackets
    std::uint16_t port = 0;      // explicit or the scheme default (80/443)
    std::string path_and_query;  // "/" at least; fragment dropped
};
std::optional<Url> parse_url(std::string_view url);
// Splits "host", "host:port", "[v6]:port"; port 0 when absent.
bool split_authority(std::string_view authority, std::string& host, std::uint16_t& port);

using core::percent_decode;
using core::PercentError;
using core::PercentRules;
// Escapes bytes outside unreserved and `keep` (e.g. "/" for paths).
std::string percent_encode(std::string_view s, std::string_view keep = "/");

enum class PathError { not_absolute, escapes_root };
// Removes "." and ".." segments of an absolute path; a ".." above "/" is an error, not clamped,
// so a server can refuse `GET /../../etc/passwd` instead of guessing. Keeps a trailing '/'.
core::Result<std::string, PathError> normalize_path(std::string_view path);

}  // namespace layer7::http
