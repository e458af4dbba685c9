// Cache-Control parsing (RFC 9111 §5.2, delta-seconds §1.2.2).
#include "http/message/cache_control.hpp"

#include "http/message/token.hpp"

namespace layer7::http {

namespace {

void field_names(std::string_view v, std::vector<std::string>& out)
{
    ListReader list(v);
    std::string_view name;
    while (list.next(name))
        out.push_back(to_lower(name));
}

}  // namespace

std::optional<std::uint32_t> delta_seconds(std::string_view v)
{
    if (v.empty())
        return std::nullopt;
    std::uint64_t n = 0;
    for (char c : v) {
        if (c < '0' || c > '9')
            return std::nullopt;
        n = n * 10 + static_cast<std::uint64_t>(c - '0');
        if (n > 2147483648u)
            n = 2147483648u;
    }
    return static_cast<std::uint32_t>(n);
}

CacheControl parse_cache_control(std::string_view value)
{
    CacheControl cc;
    ListReader list(value);
    std::string_view item;
    while (list.next(item)) {
        auto eq = item.find('=');
        std::string name = to_lower(trim_ows(item.substr(0, eq)));
        std::string arg;
        bool has_arg = eq != std::string_view::npos;
        // The grammar has no OWS around "=": "max-age= 3600" is malformed, so not a max-age
        // (and a response whose freshness information is invalid counts as stale, §4.2.1).
        if (has_arg && (name.size() != eq || (eq + 1 < item.size() && is_ows(item[eq + 1])))) {
            cc.invalid = true;
            continue;
        }
        if (has_arg) {
            std::string_view raw = trim_ows(item.substr(eq + 1));
            std::size_t used = 0;
            if (!raw.empty() && raw[0] == '"') {
                if (!parse_quoted_string(raw, arg, used) || used != raw.size()) {
                    cc.invalid = true;
                    continue;
                }
            } else {
                arg = raw;
            }
        }
        if (!is_token(name)) {
            cc.invalid = true;
            continue;
        }
        auto number = [&](std::optional<std::uint32_t>& slot) {
            auto n = has_arg ? delta_seconds(arg) : std::nullopt;
            if (n && !slot)
                slot = n;  // §4.2.1: of several values, the first one is used
            else
                cc.invalid = true;
        };
        if (name == "max-age")
            number(cc.max_age);
        else if (name == "s-maxage")
            number(cc.s_maxage);
        else if (name == "min-fresh")
            number(cc.min_fresh);
        else if (name == "stale-while-revalidate")
            number(cc.stale_while_revalidate);
        else if (name == "stale-if-error")
            number(cc.stale_if_error);
        else if (name == "max-stale") {
            if (has_arg)
                number(cc.max_stale);
            else
                cc.max_stale_any = true;
        } else if (name == "no-cache") {
            cc.no_cache = true;
            if (has_arg)
                field_names(arg, cc.no_cache_fields);
        } else if (name == "private") {
            cc.is_private = true;
            if (has_arg)
                field_names(arg, cc.private_fields);
        } else if (name == "no-store")
            cc.no_store = true;
        else if (name == "no-transform")
            cc.no_transform = true;
        else if (name == "only-if-cached")
            cc.only_if_cached = true;
        else if (name == "must-revalidate")
            cc.must_revalidate = true;
        else if (name == "proxy-revalidate")
            cc.proxy_revalidate = true;
        else if (name == "must-understand")
            cc.must_understand = true;
        else if (name == "public")
            cc.is_public = true;
        else if (name == "immutable")
            cc.immutable = true;
        else
            cc.extensions.emplace_back(std::move(name), std::move(arg));
    }
    return cc;
}

}  // namespace layer7::http
