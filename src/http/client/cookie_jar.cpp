// Cookie jar and cookies.txt: see cookie_jar.hpp.
#include "http/client/cookie_jar.hpp"

#include <algorithm>
#include <charconv>

#include "http/message/token.hpp"

namespace layer7::http::client {

namespace {

bool is_ip_literal(std::string_view host)
{
    return host.find(':') != std::string_view::npos ||
           (!host.empty() && host.find_first_not_of("0123456789.") == std::string_view::npos);
}

std::string_view path_only(std::string_view path_and_query)
{
    return path_and_query.substr(0, path_and_query.find('?'));
}

std::vector<std::string_view> split_tabs(std::string_view line)
{
    std::vector<std::string_view> parts;
    for (;;) {
        const auto tab = line.find('\t');
        parts.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos)
            return parts;
        line.remove_prefix(tab + 1);
    }
}

}  // namespace

bool domain_match(std::string_view host, std::string_view domain)
{
    if (iequals(host, domain))
        return true;
    // A suffix match needs a host name: 10.0.0.1 must not match "0.0.1".
    return !is_ip_literal(host) && host.size() > domain.size() && host[host.size() - domain.size() - 1] == '.' &&
           iequals(host.substr(host.size() - domain.size()), domain);
}

bool path_match(std::string_view request_path, std::string_view cookie_path)
{
    if (!request_path.starts_with(cookie_path))
        return false;
    return request_path.size() == cookie_path.size() || cookie_path.ends_with('/') ||
           request_path[cookie_path.size()] == '/';
}

std::string default_path(std::string_view request_path)
{
    if (request_path.empty() || request_path[0] != '/')
        return "/";
    const auto last = request_path.rfind('/');
    return last == 0 ? "/" : std::string(request_path.substr(0, last));
}

bool CookieJar::store(const SetCookie& set, const Url& url, Time now)
{
    if (set.name.size() + set.value.size() + set.domain.size() + set.path.size() > limits_.max_cookie_bytes)
        return false;
    Cookie c;
    c.name = set.name;
    c.value = set.value;
    // §5.3 step 3: Max-Age wins over Expires; a non-positive Max-Age is "the earliest time".
    if (set.max_age)
        c.expires = *set.max_age <= 0 ? Time(std::chrono::seconds(0)) : now + std::chrono::seconds(*set.max_age);
    else if (set.expires)
        c.expires = *set.expires;
    const std::string host = to_lower(url.host);
    if (!set.domain.empty()) {
        // §5.3 step 6: the request host must domain-match the Domain attribute. Without a
        // public-suffix list, a single-label Domain ("com") other than the host itself is refused.
        if (!domain_match(host, set.domain))
            return false;
        if (set.domain.find('.') == std::string::npos && set.domain != host)
            return false;
        c.domain = set.domain;
        c.host_only = is_ip_literal(host);  // an IP address can only ever mean itself
    } else {
        c.domain = host;
        c.host_only = true;
    }
    c.path = set.path.empty() ? default_path(path_only(url.path_and_query)) : set.path;
    c.secure = set.secure;
    c.http_only = set.http_only;
    // RFC 6265bis §5.6 step 14 (as curl and browsers do): only a secure origin may set Secure.
    if (c.secure && url.scheme != "https")
        return false;
    const bool expired = c.expires && *c.expires <= now;
    // §5.3 step 11: replace the old cookie with the same name, domain and path (keeping its creation time).
    auto same = std::find_if(cookies_.begin(), cookies_.end(), [&](const Cookie& o) {
        return o.name == c.name && o.domain == c.domain && o.path == c.path;
    });
    if (same != cookies_.end()) {
        c.creation = same->creation;
        if (expired)
            cookies_.erase(same);
        else
            *same = std::move(c);
        return true;
    }
    if (expired)
        return true;  // nothing to delete, nothing to store
    insert(std::move(c));
    return true;
}

void CookieJar::insert(Cookie cookie)
{
    if (cookie.creation == 0)
        cookie.creation = next_creation_++;
    else
        next_creation_ = std::max(next_creation_, cookie.creation + 1);
    // §6.1 limits: drop the oldest cookie of the domain (then of the jar) to make room.
    auto oldest = [&](auto pred) {
        auto best = cookies_.end();
        for (auto it = cookies_.begin(); it != cookies_.end(); ++it)
            if (pred(*it) && (best == cookies_.end() || it->creation < best->creation))
                best = it;
        if (best != cookies_.end())
            cookies_.erase(best);
    };
    const auto in_domain = [&](const Cookie& o) { return o.domain == cookie.domain; };
    if (static_cast<std::size_t>(std::count_if(cookies_.begin(), cookies_.end(), in_domain)) >= limits_.max_per_domain)
        oldest(in_domain);
    if (cookies_.size() >= limits_.max_cookies)
        oldest([](const Cookie&) { return true; });
    cookies_.push_back(std::move(cookie));
}

std::string CookieJar::cookie_header(const Url& url, Time now) const
{
    const std::string host = to_lower(url.host);
    const std::string_view path = path_only(url.path_and_query);
    std::vector<const Cookie*> chosen;
    for (const auto& c : cookies_) {
        if (c.expires && *c.expires <= now)
            continue;
        if (c.host_only ? host != c.domain : !domain_match(host, c.domain))
            continue;
        if (!path_match(path.empty() ? "/" : path, c.path))
            continue;
        if (c.secure && url.scheme != "https")
            continue;
        chosen.push_back(&c);
    }
    // §5.4 step 2: longer paths first, then earlier creation.
    std::stable_sort(chosen.begin(), chosen.end(), [](const Cookie* a, const Cookie* b) {
        if (a->path.size() != b->path.size())
            return a->path.size() > b->path.size();
        return a->creation < b->creation;
    });
    std::string out;
    for (const Cookie* c : chosen) {
        if (!out.empty())
            out += "; ";
        out += c->name;
        out.push_back('=');
        out += c->value;
    }
    return out;
}

void CookieJar::remove_expired(Time now)
{
    std::erase_if(cookies_, [&](const Cookie& c) { return c.expires && *c.expires <= now; });
}

std::size_t CookieJar::load(std::string_view text, Time now)
{
    std::size_t skipped = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        bool http_only = false;
        if (line.starts_with("#HttpOnly_")) {
            http_only = true;
            line.remove_prefix(10);
        } else if (line.empty() || line[0] == '#') {
            continue;
        }
        const auto f = split_tabs(line);
        std::int64_t expiry = 0;
        if (f.size() != 7 || f[0].empty() || (f[1] != "TRUE" && f[1] != "FALSE") || f[2].empty() || f[2][0] != '/' ||
            (f[3] != "TRUE" && f[3] != "FALSE") ||
            std::from_chars(f[4].data(), f[4].data() + f[4].size(), expiry).ec != std::errc() || f[5].empty()) {
            ++skipped;
            continue;
        }
        Cookie c;
        std::string_view domain = f[0];
        if (domain.starts_with('.'))
            domain.remove_prefix(1);
        c.domain = to_lower(domain);
        c.host_only = f[1] == "FALSE";
        c.path = f[2];
        c.secure = f[3] == "TRUE";
        c.http_only = http_only;
        if (expiry != 0)
            c.expires = Time(std::chrono::seconds(expiry));
        c.name = f[5];
        c.value = f[6];
        if (c.expires && *c.expires <= now)
            continue;
        std::erase_if(cookies_,
                      [&](const Cookie& o) { return o.name == c.name && o.domain == c.domain && o.path == c.path; });
        insert(std::move(c));
    }
    return skipped;
}

std::string CookieJar::save() const
{
    std::string out =
        "# Netscape HTTP Cookie File\n"
        "# https://curl.se/docs/http-cookies.html\n"
        "# This file was generated by layer7. Edit at your own risk.\n\n";
    for (const auto& c : cookies_) {
        if (c.http_only)
            out += "#HttpOnly_";
        // curl writes a leading dot for cookies that include subdomains.
        if (!c.host_only)
            out.push_back('.');
        out += c.domain;
        out += c.host_only ? "\tFALSE\t" : "\tTRUE\t";
        out += c.path;
        out += c.secure ? "\tTRUE\t" : "\tFALSE\t";
        out += std::to_string(c.expires ? c.expires->time_since_epoch().count() : 0);
        out += "\t" + c.name + "\t" + c.value + "\n";
    }
    return out;
}

}  // namespace layer7::http::client
