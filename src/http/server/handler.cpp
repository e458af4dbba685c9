// Handler: see handler.hpp.
#include "http/server/handler.hpp"

#include "http/message/target.hpp"
#include "http/message/token.hpp"
#include "http/server/builtin.hpp"

namespace layer7::http {

Handler::Handler(std::vector<VirtualHost> hosts, SessionTable& sessions) : hosts_(std::move(hosts)), sessions_(sessions)
{
    for (const auto& h : hosts_)
        if (h.names.empty() && !default_site_)
            default_site_ = h.site.get();
    if (!default_site_ && !hosts_.empty())
        default_site_ = hosts_.front().site.get();
}

const Site& Handler::site_for(const Request& request) const
{
    if (hosts_.size() > 1) {
        std::string_view host = request.fields.get("Host").value_or("");
        std::string h;
        std::uint16_t port = 0;
        if (split_authority(host, h, port))
            for (const auto& vh : hosts_)
                for (const auto& name : vh.names)
                    if (iequals(name, h))
                        return *vh.site;
    }
    return *default_site_;
}

std::string Handler::allow(const Site& site, std::string_view path) const
{
    if (path == "/echo")
        return "GET, HEAD, POST, OPTIONS";
    if (path == "/session")
        return "GET, HEAD, OPTIONS";
    return site.writable() ? "GET, HEAD, PUT, DELETE, OPTIONS" : "GET, HEAD, OPTIONS";
}

Reply Handler::handle(const Request& request, std::string_view body, const RequestContext& context) const
{
    const Site& site = site_for(request);
    auto target = parse_target(request.target, request.method);
    if (!target)
        return error_reply(Status::bad_request);
    if (target->form == TargetForm::asterisk) {  // OPTIONS * (RFC 9110 §9.3.7)
        Reply r{Response{Status::no_content, {}, {}, {}}, {}, false, false};
        r.response.fields.add("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS");
        return r;
    }
    if (target->form == TargetForm::authority)  // CONNECT: we are an origin, not a proxy
        return error_reply(Status::method_not_allowed);

    auto decoded = percent_decode(target->path, true);
    if (!decoded)
        return error_reply(Status::bad_request);
    auto path = normalize_path(*decoded);
    if (!path)  // "/../x", "%2e%2e": refused outright rather than clamped to the root
        return error_reply(path.error() == PathError::escapes_root ? Status::forbidden : Status::bad_request);

    const Method& m = request.method;
    auto not_allowed = [&] {
        Reply r = error_reply(Status::method_not_allowed);
        r.response.fields.add("Allow", allow(site, *path));
        return r;
    };
    if (m == MethodId::options) {
        Reply r{Response{Status::no_content, {}, {}, {}}, {}, false, false};
        r.response.fields.add("Allow", allow(site, *path));
        return r;
    }
    if (*path == "/echo") {
        if (m != MethodId::get && m != MethodId::head && m != MethodId::post)
            return not_allowed();
        return echo_page(request, target->query, body);
    }
    if (*path == "/session") {
        if (m != MethodId::get && m != MethodId::head)
            return not_allowed();
        return session_page(request, sessions_, context.wall, context.tls);
    }
    if (m == MethodId::get || m == MethodId::head)
        return site.get(request, *path, target->query, context.now);
    if (m == MethodId::put && site.writable())
        return site.put(request, *path, body);
    if (m == MethodId::delete_ && site.writable())
        return site.remove(request, *path);
    return not_allowed();
}

}  // namespace layer7::http
