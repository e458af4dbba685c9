// The client's cookie store (RFC 6265 §5.3 storage, §5.4 the Cookie field) and the Netscape
// cookies.txt file that curl reads with -b and writes with -c. Pure: `now` is passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message/cookie.hpp"
#include "http/message/target.hpp"

namespace layer7::http::client {

using Time = std::chrono::sys_seconds;

struct Cookie {
    std::string name, value;
    std::string domain;  // lower-case, without a leading dot
    std::string path;
    bool host_only = true;  // no Domain attribute: only this exact host (§5.3 step 6)
    bool secure = false, http_only = false;
    std::optional<Time> expires;  // nullopt: a session cookie (written as 0 in cookies.txt)
    std::uint64_t creation = 0;   // insertion order, for §5.4 step 2's tie-break
};

struct JarLimits {
    std::size_t max_cookies = 3000;       // §6.1: at least 3000 in total
    std::size_t max_per_domain = 50;      // §6.1: at least 50 per domain
    std::size_t max_cookie_bytes = 4096;  // §6.1: at least 4096 bytes per cookie (name + value + attributes)
};

// §5.1.3: `host` domain-matches `domain` (identical, or a suffix after a '.' for a host name).
bool domain_match(std::string_view host, std::string_view domain);
// §5.1.4: the cookie path is a prefix of the request path at a '/' boundary.
bool path_match(std::string_view request_path, std::string_view cookie_path);
// §5.1.4: the directory of the request path ("/a/b" → "/a", "/" and "/a" → "/").
std::string default_path(std::string_view request_path);

class CookieJar {
public:
    explicit CookieJar(JarLimits limits = {}) : limits_(limits) {}

    // §5.3: stores what a Set-Cookie from `url` asks for; false if the cookie is rejected
    // (foreign Domain, Secure over http, too large). An expired cookie deletes its namesake.
    bool store(const SetCookie& set, const Url& url, Time now);
    // §5.4: "a=1; b=2" for a request to `url`, longest paths first; empty when none applies.
    std::string cookie_header(const Url& url, Time now) const;
    void remove_expired(Time now);
    const std::vector<Cookie>& cookies() const { return cookies_; }

    // Netscape format: one cookie a line, TAB-separated domain, include-subdomains, path,
    // secure, expiry (Unix seconds, 0 = session), name, value; "#HttpOnly_" before the domain.
    // Malformed lines and expired cookies are skipped. Returns how many lines were skipped.
    std::size_t load(std::string_view text, Time now);
    std::string save() const;

private:
    void insert(Cookie cookie);

    JarLimits limits_;
    std::vector<Cookie> cookies_;
    std::uint64_t next_creation_ = 1;
};

}  // namespace layer7::http::client
