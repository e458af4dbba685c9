// Surrogate-Control parsing: see surrogate_control.hpp.
#include "http/message/surrogate_control.hpp"

#include "http/message/cache_control.hpp"
#include "http/message/token.hpp"

namespace layer7::http {

SurrogateControl parse_surrogate_control(std::string_view value, std::string_view device_token)
{
    SurrogateControl untargeted, targeted;
    ListReader list(value);
    std::string_view item;
    while (list.next(item)) {
        SurrogateControl* into = &untargeted;
        // content="ESI/1.0" carries no ';' we care about outside its quotes: only the tail is checked.
        if (auto semi = item.rfind(';'); semi != std::string_view::npos && item.find('"', semi) == item.npos) {
            if (!iequals(trim_ows(item.substr(semi + 1)), device_token))
                continue;  // meant for another surrogate
            into = &targeted;
            item = trim_ows(item.substr(0, semi));
        }
        const auto eq = item.find('=');
        const std::string_view name = item.substr(0, eq);
        if (iequals(name, "no-store")) {
            into->no_store = into->any = true;
        } else if (iequals(name, "max-age") && eq != std::string_view::npos) {
            std::string_view v = item.substr(eq + 1);
            if (auto n = delta_seconds(v.substr(0, v.find('+')))) {
                into->max_age = n;
                into->any = true;
            }
        }
    }
    if (!targeted.any)
        return untargeted;
    // A targeted directive overrides the untargeted one of the same kind.
    if (!targeted.max_age)
        targeted.max_age = untargeted.max_age;
    targeted.no_store = targeted.no_store || untargeted.no_store;
    return targeted;
}

}  // namespace layer7::http
