// The surrogate's view of a response: see surrogate.hpp.
#include "http/cache/surrogate.hpp"

#include "http/message/surrogate_control.hpp"

namespace layer7::http::cache {

Response surrogate_view(const Response& response, std::string_view device_token)
{
    const SurrogateControl sc = parse_surrogate_control(response.fields.combined("Surrogate-Control"), device_token);
    if (!sc.any)
        return response;
    Response out = response;
    if (sc.max_age)
        out.fields.set("Cache-Control", "max-age=" + std::to_string(*sc.max_age));
    if (sc.no_store)
        out.fields.add("Cache-Control", "no-store");
    return out;
}

}  // namespace layer7::http::cache
