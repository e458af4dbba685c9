// ProxyHandler: see handler.hpp.
#include "http/proxy/handler.hpp"

namespace layer7::http::proxy {

namespace {

Reply to_reply(ProxyReply proxied)
{
    Reply reply;
    reply.response = std::move(proxied.response);
    reply.close = proxied.close;
    // A HEAD reply keeps its body here: the shell sends none, but takes its length for Content-Length.
    if (proxied.body) {
        BodyPiece piece;
        piece.length = proxied.body->size();
        piece.shared = std::move(proxied.body);
        reply.body.push_back(std::move(piece));
    }
    reply.source = std::move(proxied.source);
    return reply;
}

}  // namespace

core::awaitable<Outcome> ProxyHandler::handle(Exchange& exchange)
{
    const Request& request = exchange.request;
    if (request.method == MethodId::connect) {
        const std::string client = exchange.context.peer ? exchange.context.peer->address().to_string() : "";
        Outcome tunnel = co_await open_tunnel(proxy_, request, tunnel_idle_, client);
        co_return tunnel;
    }
    // A request without content sends none upstream (an empty chunked body would still be framing).
    const bool has_body = request.fields.contains("Content-Length") || request.fields.contains("Transfer-Encoding");
    ProxyReply proxied = co_await proxy_.handle(request, has_body ? &exchange.body : nullptr);
    co_return to_reply(std::move(proxied));
}

}  // namespace layer7::http::proxy
