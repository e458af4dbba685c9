// FilesHandler: see files_handler.hpp.
#include "http/server/files_handler.hpp"

namespace layer7::http {

std::string_view FilesHandler::allow() const
{
    return site_->writable() ? "GET, HEAD, PUT, DELETE, OPTIONS" : "GET, HEAD, OPTIONS";
}

namespace {

// The mount prefix without its trailing '/': what the site's paths are under ("" for "/").
std::string_view mount_base(const RequestContext& context)
{
    std::string_view mount = context.mount;
    if (mount.ends_with('/'))
        mount.remove_suffix(1);
    return mount;
}

}  // namespace

std::string_view FilesHandler::site_path(const RequestContext& context) const
{
    std::string_view path = context.path.substr(mount_base(context).size());
    return path.empty() ? std::string_view("/") : path;
}

Reply FilesHandler::outside(Reply reply, const RequestContext& context) const
{
    const std::string_view mount = mount_base(context);
    if (mount.empty())
        return reply;
    if (auto location = reply.response.fields.get("Location"); location && location->starts_with('/'))
        reply.response.fields.set("Location", std::string(mount) + std::string(*location));
    return reply;
}

std::optional<Reply> FilesHandler::handle_now(const Request& request, const RequestContext& context)
{
    const Method& m = request.method;
    if (m == MethodId::get || m == MethodId::head) {
        const std::string_view path = site_path(context);
        Reply reply = outside(site_->get(request, path, context.query, context.now, *context.worker), context);
        if (m == MethodId::get && reply.response.status == Status::ok)
            if (const auto* links = site_->early_hints(path))
                reply.early_hints = *links;
        return reply;
    }
    if (m == MethodId::options)
        return options_reply(allow());
    if (m == MethodId::delete_ && site_->writable())
        return site_->remove(request, site_path(context));
    if (m == MethodId::put && site_->writable())
        return std::nullopt;  // needs its body
    return not_allowed_reply(allow());
}

core::awaitable<Outcome> FilesHandler::handle(Exchange& exchange)
{
    const Request& request = exchange.request;
    if (request.method != MethodId::put || !site_->writable()) {
        // A body sent with GET or DELETE means nothing here (RFC 9110 §9.3.1); the shell drops it.
        co_return std::move(*handle_now(request, exchange.context));
    }
    std::string body;
    if (auto ec = co_await read_body(exchange.body, body, max_body_))
        co_return body_error_reply(ec);
    // The write, its fsync and the rename wait on the disk: not on this worker's loop.
    Reply reply = co_await core::run_blocking(exchange.context.blocking,
                                              [&] { return site_->put(request, site_path(exchange.context), body); });
    co_return outside(std::move(reply), exchange.context);
}

}  // namespace layer7::http
