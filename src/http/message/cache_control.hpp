// Cache-Control directives (RFC 9111 §5.2) parsed into typed fields for the cache and proxy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::http {

// delta-seconds (RFC 9111 §1.2.2): digits only; a value past 2^31 is taken as 2^31.
std::optional<std::uint32_t> delta_seconds(std::string_view v);

struct CacheControl {
    std::optional<std::uint32_t> max_age, s_maxage, min_fresh, stale_while_revalidate, stale_if_error;
    std::optional<std::uint32_t> max_stale;  // value; `max_stale_any` for a bare max-stale
    bool max_stale_any = false;
    bool no_cache = false, no_store = false, no_transform = false, only_if_cached = false;
    bool must_revalidate = false, proxy_revalidate = false, must_understand = false;
    bool is_public = false, is_private = false, immutable = false;
    std::vector<std::string> no_cache_fields, private_fields;     // qualified forms (§5.2.2.4, §5.2.2.7)
    std::vector<std::pair<std::string, std::string>> extensions;  // lower-cased name, unquoted value
    bool invalid = false;  // some directive was malformed (e.g. max-age=abc) and was skipped
};

// Parses the combined field value (Fields::combined("Cache-Control")). Directive names are
// case-insensitive; delta-seconds beyond 2^31 saturate to 2147483648 (§1.2.2).
CacheControl parse_cache_control(std::string_view value);

}  // namespace layer7::http
