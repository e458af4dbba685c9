// The demo site's home page: see home_page.hpp.
#include "http/server/home_page.hpp"

#include "core/text/html_escape.hpp"
#include "http/server/listing.hpp"

namespace layer7::http {

std::string render_home_page(const std::vector<core::ServiceRow>& rows, const std::vector<PageLink>& pages)
{
    std::string html = R"(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>layer7 — the application layer on this machine</title>
  <link rel="icon" href="data:,">
  <style>
    body { font-family: sans-serif; max-width: 72em; margin: 2em auto; padding: 0 1em; }
    th, td { text-align: left; vertical-align: top; padding: .25em .7em; }
    tr:nth-child(even) { background: #f3f3f3; }
    code { font-size: 90%; word-break: break-all; }
  </style>
</head>
<body>
  <h1>layer7 is up</h1>
  <p>Every protocol of the application-layer chapter, as server and client, on this machine's loopback
  addresses. The same table <code>layer7 up</code> printed; each row says how to try the service.</p>
)";
    html += "  <h2>This web site</h2>\n  <ul>\n";
    for (const auto& p : pages)
        html += "    <li><a href=\"" + core::html_escape(p.href) + "\">" + core::html_escape(p.title) + "</a></li>\n";
    html += "  </ul>\n  <h2>Services</h2>\n  <table>\n    <tr><th>service</th><th>address</th><th>try it</th></tr>\n";
    for (const auto& r : rows) {
        html +=
            "    <tr><td>" + core::html_escape(r.service) + "</td><td>" + core::html_escape(r.address) + "</td><td>";
        if (!r.link.empty())
            html += "<a href=\"" + core::html_escape(r.link) + "\">" + core::html_escape(r.link) + "</a><br>";
        html += "<code>" + core::html_escape(r.try_it) + "</code></td></tr>\n";
    }
    html += "  </table>\n</body>\n</html>\n";
    return html;
}

HomePage::HomePage(std::shared_ptr<Handler> site, std::vector<PageLink> pages)
    : site_(std::move(site)), pages_(std::move(pages)),
      html_(std::make_shared<const std::string>(render_home_page({}, pages_)))
{
}

void HomePage::set_rows(const std::vector<core::ServiceRow>& rows)
{
    auto html = std::make_shared<const std::string>(render_home_page(rows, pages_));
    std::lock_guard lock(mutex_);
    html_ = std::move(html);
}

Reply HomePage::page(const Request& request) const
{
    const Method& m = request.method;
    if (m == MethodId::options)
        return options_reply("GET, HEAD, OPTIONS");
    if (m != MethodId::get && m != MethodId::head)
        return not_allowed_reply("GET, HEAD, OPTIONS");
    std::shared_ptr<const std::string> html;
    {
        std::lock_guard lock(mutex_);
        html = html_;
    }
    Reply r = text_reply(Status::ok, *html, "text/html; charset=utf-8");
    r.response.fields.add("Cache-Control", "no-cache");  // it changes with the config
    return r;
}

std::optional<Reply> HomePage::handle_now(const Request& request, const RequestContext& context)
{
    if (context.path == "/")
        return page(request);
    return site_->handle_now(request, context);
}

core::awaitable<Outcome> HomePage::handle(Exchange& exchange)
{
    if (exchange.context.path == "/")
        co_return page(exchange.request);
    Outcome outcome = co_await site_->handle(exchange);
    co_return outcome;
}

}  // namespace layer7::http
