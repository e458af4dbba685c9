// TimeHandler: see time_handler.hpp.
#include "http/server/time_handler.hpp"

#include "http/message/date.hpp"

namespace layer7::http {

std::optional<Reply> TimeHandler::handle_now(const Request& request, const RequestContext& context)
{
    const Method& m = request.method;
    if (m == MethodId::options)
        return options_reply("GET, HEAD, OPTIONS");
    if (m != MethodId::get && m != MethodId::head)
        return not_allowed_reply("GET, HEAD, OPTIONS");
    const auto unix_seconds = context.wall.time_since_epoch().count();
    std::string peer = context.peer ? context.peer->address().to_string() : "";
    Reply r = text_reply(Status::ok,
                         "{\"unix\": " + std::to_string(unix_seconds) + ", \"http_date\": \"" +
                             format_http_date(context.wall) + "\", \"client\": \"" + peer + "\"}\n",
                         "application/json");
    r.response.fields.add("Cache-Control", "no-store");  // a clock is stale at once
    return r;
}

// Everything is answered on the fast path; a request with a body still comes here.
core::awaitable<Outcome> TimeHandler::handle(Exchange& exchange)
{
    co_return std::move(*handle_now(exchange.request, exchange.context));
}

}  // namespace layer7::http
