// Cache keys: see cache_key.hpp.
#include "http/cache/cache_key.hpp"

#include <algorithm>

#include "http/message/token.hpp"

namespace layer7::http::cache {

std::string primary_key(const Method& method, std::string_view url)
{
    std::string key(method.name());
    key.push_back(' ');
    // Scheme and host are case-insensitive (RFC 3986 §6.2.2.1); the path is not.
    const auto scheme_end = url.find("://");
    const auto host_end = scheme_end == std::string_view::npos ? 0 : url.find('/', scheme_end + 3);
    const auto lower_end = host_end == std::string_view::npos ? url.size() : host_end;
    key += to_lower(url.substr(0, lower_end));
    key += url.substr(lower_end);
    return key;
}

std::optional<std::vector<std::string>> vary_names(const Response& response)
{
    std::vector<std::string> names;
    const std::string vary = response.fields.combined("Vary");
    std::size_t at = 0;
    while (at <= vary.size()) {
        auto comma = vary.find(',', at);
        if (comma == std::string::npos)
            comma = vary.size();
        const auto name = trim_ows(std::string_view(vary).substr(at, comma - at));
        if (name == "*")
            return std::nullopt;
        if (!name.empty())
            names.push_back(to_lower(name));
        at = comma + 1;
    }
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    return names;
}

std::string vary_key(const std::vector<std::string>& names, const Request& request)
{
    std::string key;
    for (const auto& name : names) {
        key += name;
        key.push_back('=');
        // §4.1: values may be normalised: collapse whitespace runs, drop it around commas.
        bool space = false;
        for (char c : request.fields.combined(name)) {
            if (c == ' ' || c == '\t') {
                space = true;
                continue;
            }
            if (space && c != ',' && !key.empty() && key.back() != ',' && key.back() != '=')
                key.push_back(' ');
            space = false;
            key.push_back(c);
        }
        key.push_back('\n');
    }
    return key;
}

std::string full_key(std::string_view primary, std::string_view secondary)
{
    std::string key(primary);
    key.push_back('\n');
    key += secondary;
    return key;
}

}  // namespace layer7::http::cache
