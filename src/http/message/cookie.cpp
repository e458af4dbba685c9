// Cookie / Set-Cookie syntax of RFC 6265 §4.1.1, §4.2.1 and user-agent parsing of §5.2.
#include "http/message/cookie.hpp"

#include <string>

#include "http/message/date.hpp"
#include "http/message/token.hpp"

namespace layer7::http {

namespace {

// cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E
bool is_cookie_octet(char c)
{
    auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x2b) || (u >= 0x2d && u <= 0x3a) || (u >= 0x3c && u <= 0x5b) ||
           (u >= 0x5d && u <= 0x7e);
}

bool is_cookie_value(std::string_view v)
{
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
        v = v.substr(1, v.size() - 2);
    for (char c : v)
        if (!is_cookie_octet(c))
            return false;
    return true;
}

// av-octet: any CHAR except CTLs or ";"
bool is_attribute_value(std::string_view v)
{
    for (char c : v) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7f || u >= 0x80 || c == ';')
            return false;
    }
    return true;
}

std::string_view unquote(std::string_view v)
{
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
        return v.substr(1, v.size() - 2);
    return v;
}

}  // namespace

std::vector<CookiePair> parse_cookie_header(std::string_view value)
{
    std::vector<CookiePair> out;
    while (!value.empty()) {
        auto semi = value.find(';');
        std::string_view pair = trim_ows(value.substr(0, semi));
        value = semi == std::string_view::npos ? std::string_view{} : value.substr(semi + 1);
        auto eq = pair.find('=');
        if (eq == std::string_view::npos)
            continue;
        std::string_view name = trim_ows(pair.substr(0, eq));
        if (name.empty())
            continue;
        out.push_back({name, unquote(trim_ows(pair.substr(eq + 1)))});
    }
    return out;
}

std::optional<std::string> build_set_cookie(const SetCookie& c)
{
    if (!is_token(c.name) || !is_cookie_value(c.value) || !is_attribute_value(c.domain) || !is_attribute_value(c.path))
        return std::nullopt;
    std::string out = c.name + "=" + c.value;
    if (c.expires) {
        out += "; Expires=";
        append_http_date(out, *c.expires);
    }
    if (c.max_age)
        out += "; Max-Age=" + std::to_string(*c.max_age);
    if (!c.domain.empty())
        out += "; Domain=" + c.domain;
    if (!c.path.empty())
        out += "; Path=" + c.path;
    if (c.secure)
        out += "; Secure";
    if (c.http_only)
        out += "; HttpOnly";
    switch (c.same_site) {
    case SameSite::strict: out += "; SameSite=Strict"; break;
    case SameSite::lax: out += "; SameSite=Lax"; break;
    case SameSite::none: out += "; SameSite=None"; break;
    case SameSite::unset: break;
    }
    return out;
}

std::optional<SetCookie> parse_set_cookie(std::string_view value)
{
    SetCookie c;
    auto semi = value.find(';');
    std::string_view pair = value.substr(0, semi);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos)
        return std::nullopt;  // §5.2 step 2
    c.name = trim_ows(pair.substr(0, eq));
    c.value = trim_ows(pair.substr(eq + 1));
    if (c.name.empty())
        return std::nullopt;
    std::string_view attrs = semi == std::string_view::npos ? std::string_view{} : value.substr(semi + 1);
    while (!attrs.empty()) {
        auto next = attrs.find(';');
        std::string_view av = attrs.substr(0, next);
        attrs = next == std::string_view::npos ? std::string_view{} : attrs.substr(next + 1);
        auto aeq = av.find('=');
        std::string_view name = trim_ows(av.substr(0, aeq));
        std::string_view val = aeq == std::string_view::npos ? std::string_view{} : trim_ows(av.substr(aeq + 1));
        if (iequals(name, "expires")) {
            if (auto t = parse_http_date(val))
                c.expires = *t;
        } else if (iequals(name, "max-age")) {
            bool neg = !val.empty() && val[0] == '-';
            std::string_view digits = neg ? val.substr(1) : val;
            if (digits.empty() || digits.size() > 18 || digits.find_first_not_of("0123456789") != digits.npos)
                continue;  // §5.2.2: ignore a malformed Max-Age
            std::int64_t n = std::stoll(std::string(digits));
            c.max_age = neg ? -n : n;
        } else if (iequals(name, "domain")) {
            if (!val.empty() && val[0] == '.')
                val.remove_prefix(1);  // §5.2.3
            c.domain = to_lower(val);
        } else if (iequals(name, "path")) {
            c.path = !val.empty() && val[0] == '/' ? std::string(val) : std::string();
        } else if (iequals(name, "secure")) {
            c.secure = true;
        } else if (iequals(name, "httponly")) {
            c.http_only = true;
        } else if (iequals(name, "samesite")) {
            c.same_site = iequals(val, "strict") ? SameSite::strict
                          : iequals(val, "lax")  ? SameSite::lax
                          : iequals(val, "none") ? SameSite::none
                                                 : SameSite::unset;
        }
    }
    return c;
}

}  // namespace layer7::http
