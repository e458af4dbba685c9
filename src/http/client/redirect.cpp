// Redirects and reference resolution: see redirect.hpp.
#include "http/client/redirect.hpp"

#include "http/message/token.hpp"

namespace layer7::http::client {

std::string to_string(const Url& url)
{
    std::string out = url.scheme + "://";
    out += url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    const bool default_port = (url.scheme == "http" && url.port == 80) || (url.scheme == "https" && url.port == 443);
    if (!default_port)
        out += ":" + std::to_string(url.port);
    out += url.path_and_query.empty() ? "/" : url.path_and_query;
    return out;
}

std::string remove_dot_segments(std::string_view path)
{
    std::string out;
    while (!path.empty()) {
        if (path.starts_with("../"))
            path.remove_prefix(3);
        else if (path.starts_with("./"))
            path.remove_prefix(2);
        else if (path.starts_with("/./"))
            path.remove_prefix(2);
        else if (path == "/.")
            path = "/";
        else if (path.starts_with("/../") || path == "/..") {
            path = path.size() == 3 ? std::string_view("/") : path.substr(3);
            const auto last = out.rfind('/');
            out.erase(last == std::string::npos ? 0 : last);
        } else if (path == "." || path == "..") {
            path = {};
        } else {
            const auto next = path.find('/', 1);
            out += path.substr(0, next);
            path.remove_prefix(next == std::string_view::npos ? path.size() : next);
        }
    }
    return out;
}

std::optional<std::string> resolve_reference(const Url& base, std::string_view ref)
{
    ref = trim_ows(ref.substr(0, ref.find('#')));
    // A scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" before any '/', '?'.
    const auto colon = ref.find(':');
    if (colon != std::string_view::npos && colon > 0 && ref.find_first_of("/?") > colon) {
        const std::string scheme = to_lower(ref.substr(0, colon));
        if (scheme != "http" && scheme != "https")
            return std::nullopt;
        auto url = parse_url(ref);
        if (!url)
            return std::nullopt;
        return to_string(*url);
    }
    if (ref.starts_with("//")) {
        auto url = parse_url(base.scheme + ":" + std::string(ref));
        if (!url)
            return std::nullopt;
        return to_string(*url);
    }
    Url out = base;
    std::string_view base_pq = base.path_and_query;
    if (base_pq.empty())
        base_pq = "/";
    const std::string_view base_path = base_pq.substr(0, base_pq.find('?'));
    if (ref.empty())
        out.path_and_query = base_pq;
    else if (ref.starts_with('?'))
        out.path_and_query = std::string(base_path) + std::string(ref);
    else {
        const auto q = ref.find('?');
        std::string path(ref.substr(0, q));
        if (!path.starts_with('/'))  // §5.2.3 merge: the base path up to its last '/'
            path = std::string(base_path.substr(0, base_path.rfind('/') + 1)) + path;
        out.path_and_query = remove_dot_segments(path);
        if (out.path_and_query.empty())
            out.path_and_query = "/";
        if (q != std::string_view::npos)
            out.path_and_query += ref.substr(q);
    }
    return to_string(out);
}

bool is_redirect(Status status)
{
    const int c = code(status);
    return c == 301 || c == 302 || c == 303 || c == 307 || c == 308;
}

RedirectMethod redirect_method(Status status, const Method& method)
{
    const int c = code(status);
    if (c == 307 || c == 308)
        return {method, true};
    if (c == 303 && method != MethodId::head)
        return {Method(MethodId::get), false};
    if ((c == 301 || c == 302) && method == MethodId::post)
        return {Method(MethodId::get), false};
    return {method, method != MethodId::get && method != MethodId::head};
}

}  // namespace layer7::http::client
