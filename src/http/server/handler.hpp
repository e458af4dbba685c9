// Handler: HTTP semantics of the origin server, independent of HTTP/1.1 or HTTP/2 framing —
// picks the virtual host, checks the method, maps the path safely and calls the site or a
// built-in page. The connection shells (h1 now, h2 later) call handle() once per request.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "http/message/message.hpp"
#include "http/server/reply.hpp"
#include "http/server/sessions.hpp"
#include "http/server/site.hpp"

namespace layer7::http {

struct VirtualHost {
    std::vector<std::string> names;  // Host values (lower-case, without port); empty = default
    std::shared_ptr<Site> site;
};

struct RequestContext {
    bool tls = false;
    std::chrono::steady_clock::time_point now;
    std::chrono::sys_seconds wall;
};

class Handler {
public:
    Handler(std::vector<VirtualHost> hosts, SessionTable& sessions);

    Reply handle(const Request& request, std::string_view body, const RequestContext& context) const;
    // The methods a path allows, for 405 and OPTIONS (RFC 9110 §10.2.1).
    std::string allow(const Site& site, std::string_view path) const;
    // The virtual host named by the Host field, or the default one.
    const Site& site_for(const Request& request) const;

private:
    std::vector<VirtualHost> hosts_;
    const Site* default_site_ = nullptr;
    SessionTable& sessions_;
};

}  // namespace layer7::http
