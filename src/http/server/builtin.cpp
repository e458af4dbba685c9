// Built-in pages: see builtin.hpp.
#include "http/server/builtin.hpp"

#include "core/text/html_escape.hpp"
#include "http/message/cookie.hpp"
#include "http/message/form.hpp"
#include "http/message/token.hpp"
#include "http/server/form_data.hpp"

namespace layer7::http {

namespace {

constexpr std::string_view session_cookie = "layer7_session";

std::string field_table(const FormFields& fields)
{
    std::string out = "<table>\n";
    for (const auto& [k, v] : fields)
        out += "<tr><th>" + core::html_escape(k) + "</th><td>" + core::html_escape(v) + "</td></tr>\n";
    return out + "</table>\n";
}

// The first bytes of an uploaded part as text: printable ASCII as is, other bytes as \xNN.
std::string shown_bytes(std::string_view bytes)
{
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned char c : bytes) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out.push_back(static_cast<char>(c));
        } else {
            out += "\\x";
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
    return core::html_escape(out);
}

constexpr std::size_t first_bytes_shown = 64;

std::string parts_table(const std::vector<FormPart>& parts)
{
    std::string out =
        "<table>\n<tr><th>name</th><th>filename</th><th>content type</th><th>size</th>"
        "<th>first bytes</th></tr>\n";
    for (const auto& p : parts)
        out += "<tr><td>" + core::html_escape(p.head.name) + "</td><td>" +
               (p.head.filename ? core::html_escape(*p.head.filename) : "") + "</td><td>" +
               core::html_escape(p.head.content_type) + "</td><td>" + std::to_string(p.size) + "</td><td><code>" +
               shown_bytes(std::string_view(p.first_bytes).substr(0, first_bytes_shown)) +
               (p.size > first_bytes_shown ? "…" : "") + "</code></td></tr>\n";
    return out + "</table>\n";
}

}  // namespace

Reply echo_page(const Request& request, std::string_view query, std::string_view body,
                const std::vector<FormPart>* parts)
{
    std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>echo</title></head><body>\n";
    html += "<h1>" + core::html_escape(request.method.name()) + " /echo</h1>\n";
    auto show = [&](std::string_view label, std::string_view encoded) -> bool {
        auto fields = decode_form(encoded);
        if (!fields)
            return false;
        html += "<h2>" + std::string(label) + "</h2>\n<pre>" + core::html_escape(encoded) + "</pre>\n" +
                field_table(*fields);
        return true;
    };
    if (!show("Query string (in the URL)", query))
        return error_reply(Status::bad_request);
    if (request.method == MethodId::post) {
        const auto type = request.fields.get("Content-Type").value_or("");
        if (parts) {
            FormFields fields;  // the parts without a file name are plain fields
            for (const auto& p : *parts)
                if (!p.head.filename)
                    fields.emplace_back(p.head.name, p.first_bytes + (p.size > p.first_bytes.size() ? "…" : ""));
            html += "<h2>Body (multipart/form-data)</h2>\n<p>" + std::to_string(parts->size()) + " parts</p>\n" +
                    field_table(fields) + parts_table(*parts);
        } else if (type.starts_with("application/x-www-form-urlencoded")) {
            if (!show("Body (application/x-www-form-urlencoded)", body))
                return error_reply(Status::bad_request);
        } else {
            html +=
                "<h2>Body</h2>\n<p>" + std::to_string(body.size()) + " bytes of " + core::html_escape(type) + "</p>\n";
        }
    }
    html += "</body></html>\n";
    return text_reply(Status::ok, std::move(html), "text/html; charset=utf-8");
}

Reply session_page(const Request& request, SessionTable& sessions, std::chrono::sys_seconds now, bool secure)
{
    std::optional<std::string_view> id;
    if (auto cookie = request.fields.get("Cookie"))
        for (const auto& pair : parse_cookie_header(*cookie))
            if (pair.name == session_cookie)
                id = pair.value;
    const Visit visit = sessions.visit(id, now);
    std::string html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>session</title></head><body>\n";
    if (visit.is_new)
        html += "<h1>Welcome, new visitor!</h1>\n<p>Your browser now holds the cookie " + std::string(session_cookie) +
                "=" + visit.id + "; the server keeps your visit count under that id.</p>\n";
    else
        html += "<h1>Welcome back!</h1>\n<p>This is visit number " + std::to_string(visit.count) + " of session " +
                visit.id + ".</p>\n";
    html += "</body></html>\n";
    Reply r = text_reply(Status::ok, std::move(html), "text/html; charset=utf-8");
    r.response.fields.add("Cache-Control", "no-store");
    if (visit.is_new) {
        SetCookie c;
        c.name = session_cookie;
        c.value = visit.id;
        c.path = "/";
        c.http_only = true;
        c.secure = secure;
        c.same_site = SameSite::lax;
        if (auto header = build_set_cookie(c))
            r.response.fields.add("Set-Cookie", *header);
    }
    return r;
}

std::optional<Reply> EchoHandler::handle_now(const Request& request, const RequestContext& context)
{
    const Method& m = request.method;
    if (m == MethodId::get || m == MethodId::head)
        return echo_page(request, context.query, {});
    if (m == MethodId::options)
        return options_reply("GET, HEAD, POST, OPTIONS");
    if (m == MethodId::post)
        return std::nullopt;
    return not_allowed_reply("GET, HEAD, POST, OPTIONS");
}

core::awaitable<Outcome> EchoHandler::handle(Exchange& exchange)
{
    if (exchange.request.method != MethodId::post)
        co_return std::move(*handle_now(exchange.request, exchange.context));
    const auto type = exchange.request.fields.get("Content-Type").value_or("");
    if (auto boundary = form_data_boundary(type)) {
        auto parts = co_await read_form_data(exchange.body, std::move(*boundary), max_body_, max_field_shown);
        if (!parts)
            co_return text_reply(parts.error().status, "multipart/form-data: " + parts.error().reason + "\n");
        co_return echo_page(exchange.request, exchange.context.query, {}, &parts.value());
    }
    if (iequals(trim_ows(type.substr(0, type.find(';'))), "multipart/form-data"))
        co_return text_reply(Status::bad_request, "multipart/form-data: no valid boundary parameter\n");
    std::string body;
    if (auto ec = co_await read_body(exchange.body, body, max_body_))
        co_return body_error_reply(ec);
    co_return echo_page(exchange.request, exchange.context.query, body);
}

std::optional<Reply> SessionHandler::handle_now(const Request& request, const RequestContext& context)
{
    const Method& m = request.method;
    if (m == MethodId::get || m == MethodId::head)
        return session_page(request, sessions_, context.wall, context.tls);
    if (m == MethodId::options)
        return options_reply("GET, HEAD, OPTIONS");
    return not_allowed_reply("GET, HEAD, OPTIONS");
}

core::awaitable<Outcome> SessionHandler::handle(Exchange& exchange)
{
    co_return std::move(*handle_now(exchange.request, exchange.context));
}

}  // namespace layer7::http
