// Router: see router.hpp.
#include "http/server/router.hpp"

#include "http/message/target.hpp"
#include "http/message/token.hpp"

namespace layer7::http {

bool prefix_matches(std::string_view prefix, std::string_view path)
{
    if (!path.starts_with(prefix))
        return false;
    return path.size() == prefix.size() || prefix.ends_with('/') || path[prefix.size()] == '/';
}

void Router::mount(std::string host, std::string prefix, std::shared_ptr<Handler> handler)
{
    by_host_ = by_host_ || !host.empty();
    mounts_.push_back({std::move(host), std::move(prefix), std::move(handler)});
}

const Router::Mount* Router::find(std::string_view host, std::string_view path) const
{
    const Mount* best = nullptr;
    for (const Mount& m : mounts_) {
        if (!m.host.empty() && !iequals(m.host, host))
            continue;
        if (!prefix_matches(m.prefix, path))
            continue;
        if (!best || m.prefix.size() > best->prefix.size() ||
            (m.prefix.size() == best->prefix.size() && best->host.empty() && !m.host.empty()))
            best = &m;
    }
    return best;
}

Router::Route Router::route(const Request& request, RequestContext& context) const
{
    Route r;
    // An extended CONNECT (RFC 8441) names a resource by its path, as a GET does; a plain CONNECT
    // names a host and port.
    auto target = parse_target(request.target, request.protocol.empty() ? request.method : Method(MethodId::get));
    if (!target) {
        r.reply = error_reply(Status::bad_request);
        return r;
    }
    if (target->form == TargetForm::asterisk) {  // OPTIONS * (RFC 9110 §9.3.7): the server as a whole
        r.reply = options_reply("GET, HEAD, POST, PUT, DELETE, OPTIONS");
        return r;
    }
    if (target->form == TargetForm::authority) {  // CONNECT: an origin is not a proxy
        r.reply = error_reply(Status::method_not_allowed);
        return r;
    }
    auto decoded = percent_decode(target->path);
    if (!decoded) {
        r.reply = error_reply(Status::bad_request);
        return r;
    }
    auto path = normalize_path(*decoded);
    if (!path) {  // "/../x", "%2e%2e": refused outright rather than clamped to the root
        r.reply = error_reply(path.error() == PathError::escapes_root ? Status::forbidden : Status::bad_request);
        return r;
    }
    r.path = std::move(*path);
    std::string host;
    if (by_host_) {
        std::uint16_t port = 0;
        if (!split_authority(request.fields.get("Host").value_or(""), host, port))
            host.clear();
    }
    const Mount* m = find(host, r.path);
    if (!m) {
        r.reply = error_reply(Status::not_found);
        return r;
    }
    r.handler = m->handler.get();
    context.query = target->query;
    context.mount = m->prefix;
    return r;
}

std::optional<Reply> Router::handle_now(const Request& request, const RequestContext& context)
{
    RequestContext routed = context;
    Route r = route(request, routed);
    if (r.reply)
        return std::move(r.reply);
    routed.path = r.path;
    return r.handler->handle_now(request, routed);
}

core::awaitable<Outcome> Router::handle(Exchange& exchange)
{
    Route r = route(exchange.request, exchange.context);
    if (r.reply)
        co_return std::move(*r.reply);
    exchange.context.path = r.path;  // `r` lives until the handler is done
    co_return co_await r.handler->handle(exchange);
}

}  // namespace layer7::http
