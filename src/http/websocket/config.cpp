// The [websocket] config section: see config.hpp.
#include "http/websocket/config.hpp"

namespace layer7::http::websocket {

EndpointOptions parse_config(core::Section s)
{
    EndpointOptions o;
    auto& session = o.session;
    constexpr std::int64_t max_size = 1LL << 30;  // one message held whole: 1 GiB is already absurd
    session.limits.max_message = static_cast<std::size_t>(
        s.integer("max_message", static_cast<std::int64_t>(session.limits.max_message), 125, max_size));
    session.limits.max_frame = static_cast<std::size_t>(
        s.integer("max_frame", static_cast<std::int64_t>(session.limits.max_frame), 125, max_size));
    session.max_send_queue = static_cast<std::size_t>(
        s.integer("max_send_queue", static_cast<std::int64_t>(session.max_send_queue), 1024, max_size));
    session.idle_timeout = s.seconds("idle_timeout", session.idle_timeout);
    session.ping_interval = s.seconds("ping_interval", session.ping_interval);
    if (session.idle_timeout.count() <= 0)
        s.error("idle_timeout", "expected a positive number of seconds");
    if (session.ping_interval.count() <= 0)
        s.error("ping_interval", "expected a positive number of seconds");
    s.finish();
    return o;
}

}  // namespace layer7::http::websocket
