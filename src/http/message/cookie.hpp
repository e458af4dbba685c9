// Cookies (RFC 6265): parse the Cookie request field, build and parse Set-Cookie.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::http {

struct CookiePair {
    std::string_view name;
    std::string_view value;  // DQUOTEs removed
};
// `Cookie: a=1; b="2"` → views into `value`. Pairs without '=' or with an empty name are skipped
// (§5.4 sends only name=value; lenient as browsers are).
std::vector<CookiePair> parse_cookie_header(std::string_view value);

enum class SameSite { unset, strict, lax, none };

struct SetCookie {
    std::string name;
    std::string value;
    std::optional<std::chrono::sys_seconds> expires;
    std::optional<std::int64_t> max_age;  // seconds; <= 0 deletes (§5.2.2)
    std::string domain;
    std::string path;
    bool secure = false;
    bool http_only = false;
    SameSite same_site = SameSite::unset;
};

// The Set-Cookie field value per §4.1.1's server syntax; nullopt if the name is not a token or
// the value/domain/path holds a byte the grammar forbids (a CR or ';' would inject attributes).
std::optional<std::string> build_set_cookie(const SetCookie& cookie);
// §5.2 user-agent parsing, for the client's cookie jar: lenient, unknown attributes ignored.
std::optional<SetCookie> parse_set_cookie(std::string_view value);

}  // namespace layer7::http
