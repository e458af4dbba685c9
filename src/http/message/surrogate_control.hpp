// Surrogate-Control (W3C Edge Architecture Specification 1.0, §2.2): the origin's caching
// directives for surrogates (reverse proxies), each optionally targeted with ";device-token". Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace layer7::http {

struct SurrogateControl {
    std::optional<std::uint32_t> max_age;  // "max-age=N[+M]": N (the +M stale extension is not used)
    bool no_store = false;
    bool any = false;  // some directive applied to us
};

// The directives meant for `device_token`: untargeted ones, overridden by ones ending in
// ";<device_token>". Malformed and unknown directives are skipped.
SurrogateControl parse_surrogate_control(std::string_view value, std::string_view device_token);

}  // namespace layer7::http
