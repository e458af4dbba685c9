// Request-target forms (RFC 9112 §3.2), URLs and paths (RFC 3986).
#include "http/message/target.hpp"

#include <cctype>
#include <vector>

#include "http/message/token.hpp"

namespace layer7::http {

namespace {

// Visible ASCII. RFC 3986 is narrower, but clients send raw '{', '|', '"' … and nginx accepts them;
// what matters for safety is no whitespace, controls or non-ASCII, and strict percent-decoding later.
bool is_uri_char(char c)
{
    return c > 0x20 && c < 0x7f;
}

bool all_uri_chars(std::string_view s)
{
    for (char c : s)
        if (!is_uri_char(c))
            return false;
    return true;
}

void split_path_query(std::string_view rest, Target& t)
{
    auto q = rest.find('?');
    t.path = rest.substr(0, q);
    if (q != std::string_view::npos) {
        t.query = rest.substr(q + 1);
        t.has_query = true;
    }
}

bool valid_scheme(std::string_view s)
{
    if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
        return false;
    for (char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' ||
              c == '.'))
            return false;
    return true;
}

}  // namespace

bool split_authority(std::string_view authority, std::string& host, std::uint16_t& port)
{
    port = 0;
    std::string_view h = authority, p;
    if (!authority.empty() && authority[0] == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            return false;
        h = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after[0] != ':')
                return false;
            p = after.substr(1);
            if (p.empty())
                return false;
        }
        if (h.empty() || h.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
            return false;
    } else {
        auto colon = authority.rfind(':');
        if (colon != std::string_view::npos) {
            h = authority.substr(0, colon);
            p = authority.substr(colon + 1);
            if (p.empty())
                return false;
        }
        // reg-name / IPv4address (RFC 3986 §3.2.2): unreserved, pct-encoded and sub-delims only.
        if (h.empty())
            return false;
        for (char c : h)
            if (!(std::isalnum(static_cast<unsigned char>(c)) ||
                  std::string_view("-._~%!$&'()*+,;=").find(c) != std::string_view::npos))
                return false;
    }
    if (!p.empty()) {
        unsigned v = 0;
        for (char c : p) {
            if (c < '0' || c > '9' || (v = v * 10 + static_cast<unsigned>(c - '0')) > 65535)
                return false;
        }
        if (v == 0)
            return false;
        port = static_cast<std::uint16_t>(v);
    }
    host.assign(h);
    return true;
}

std::optional<Target> parse_target(std::string_view raw, const Method& method)
{
    Target t;
    if (raw.empty() || !all_uri_chars(raw))
        return std::nullopt;
    if (method == MethodId::connect) {
        // authority-form: host:port only (RFC 9112 §3.2.3).
        std::string host;
        std::uint16_t port = 0;
        if (!split_authority(raw, host, port) || port == 0)
            return std::nullopt;
        t.form = TargetForm::authority;
        t.authority = raw;
        return t;
    }
    if (raw == "*") {
        if (method != MethodId::options)
            return std::nullopt;
        t.form = TargetForm::asterisk;
        return t;
    }
    if (raw[0] == '/') {
        t.form = TargetForm::origin;
        split_path_query(raw, t);
        return t;
    }
    auto colon = raw.find("://");
    if (colon == std::string_view::npos || !valid_scheme(raw.substr(0, colon)))
        return std::nullopt;
    t.form = TargetForm::absolute;
    t.scheme = raw.substr(0, colon);
    std::string_view rest = raw.substr(colon + 3);
    auto slash = rest.find_first_of("/?");
    t.authority = rest.substr(0, slash);
    if (t.authority.empty() || t.authority.find('@') != std::string_view::npos)
        return std::nullopt;  // userinfo is deprecated and a phishing vector (RFC 9110 §4.2.4)
    if (slash == std::string_view::npos) {
        t.path = "/";
    } else {
        split_path_query(rest.substr(slash), t);
        if (t.path.empty())
            t.path = "/";
    }
    return t;
}

std::optional<Url> parse_url(std::string_view url)
{
    auto hash = url.find('#');
    url = url.substr(0, hash);
    auto colon = url.find("://");
    if (colon == std::string_view::npos || !valid_scheme(url.substr(0, colon)))
        return std::nullopt;
    Url u;
    u.scheme = to_lower(url.substr(0, colon));
    std::string_view rest = url.substr(colon + 3);
    auto slash = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, slash);
    if (authority.find('@') != std::string_view::npos || !split_authority(authority, u.host, u.port))
        return std::nullopt;
    if (u.port == 0) {
        if (u.scheme == "http")
            u.port = 80;
        else if (u.scheme == "https")
            u.port = 443;
        else if (u.scheme == "rtsp")
            u.port = 554;  // RFC 2326 §3.2
        else
            return std::nullopt;
    }
    std::string_view pq = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (!all_uri_chars(pq))
        return std::nullopt;
    u.path_and_query = pq.empty() || pq[0] == '?' ? "/" + std::string(pq) : std::string(pq);
    return u;
}

std::string percent_encode(std::string_view s, std::string_view keep)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                          c == '.' || c == '_' || c == '~';
        if (unreserved || keep.find(c) != std::string_view::npos) {
            out.push_back(c);
        } else {
            auto b = static_cast<unsigned char>(c);
            out.push_back('%');
            out.push_back(hex[b >> 4]);
            out.push_back(hex[b & 15]);
        }
    }
    return out;
}

namespace {

// No "." or ".." segment and no empty one but the last: normalizing would give the same path
// (what nearly every request has, and it needs no list of segments).
bool already_normal(std::string_view path)
{
    std::size_t at = 1;
    for (;;) {
        const auto slash = path.find('/', at);
        const std::string_view seg = path.substr(at, slash == std::string_view::npos ? slash : slash - at);
        if (slash == std::string_view::npos)
            return seg != "." && seg != "..";
        if (seg.empty() || seg == "." || seg == "..")
            return false;
        at = slash + 1;
    }
}

}  // namespace

core::Result<std::string, PathError> normalize_path(std::string_view path)
{
    if (path.empty() || path[0] != '/')
        return core::fail(PathError::not_absolute);
    if (already_normal(path))
        return std::string(path);
    std::vector<std::string_view> segments;
    bool trailing_slash = false;
    std::size_t at = 1;
    for (;;) {
        auto slash = path.find('/', at);
        std::string_view seg = path.substr(at, slash == std::string_view::npos ? slash : slash - at);
        bool last = slash == std::string_view::npos;
        if (seg == "..") {
            if (segments.empty())
                return core::fail(PathError::escapes_root);
            segments.pop_back();
            trailing_slash = true;
        } else if (seg == "." || (seg.empty() && !last)) {
            trailing_slash = true;  // "." and "//" collapse; a final one leaves a directory
        } else if (seg.empty()) {
            trailing_slash = true;
        } else {
            segments.push_back(seg);
            trailing_slash = false;
        }
        if (last)
            break;
        at = slash + 1;
    }
    std::string out;
    for (auto seg : segments) {
        out += '/';
        out += seg;
    }
    if (out.empty() || trailing_slash)
        out += '/';
    return out;
}

}  // namespace layer7::http
