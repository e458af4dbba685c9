// Router: the handler that picks a handler per virtual host and path prefix (longest prefix wins;
// on equal prefixes a mount for the request's host beats one for any host). It also does what every
// origin resource shares: request-target checks, percent-decoding and dot-segment removal (a path
// above the root is refused, never clamped), OPTIONS * and CONNECT to an origin.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http/server/handler.hpp"

namespace layer7::http {

class Router final : public Handler {
public:
    // `host`: a Host value without port (case-insensitive), or "" for any host. `prefix` starts with
    // '/': "/" takes everything, "/echo" takes "/echo" and "/echo/…", "/docs/" takes "/docs/…".
    void mount(std::string host, std::string prefix, std::shared_ptr<Handler> handler);

    core::awaitable<Outcome> handle(Exchange& exchange) override;
    std::optional<Reply> handle_now(const Request& request, const RequestContext& context) override;

private:
    struct Mount {
        std::string host, prefix;
        std::shared_ptr<Handler> handler;
    };
    // The decoded path and query in `context`, and the handler; or the error reply to send instead.
    struct Route {
        Handler* handler = nullptr;
        std::string path;
        std::optional<Reply> reply;
    };
    Route route(const Request& request, RequestContext& context) const;
    const Mount* find(std::string_view host, std::string_view path) const;

    std::vector<Mount> mounts_;
    bool by_host_ = false;  // some mount names a host: the Host field needs looking at
};

// Whether `path` is under the mount `prefix` (see Router::mount).
bool prefix_matches(std::string_view prefix, std::string_view path);

}  // namespace layer7::http
