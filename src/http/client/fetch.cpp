// User-agent fetch: see fetch.hpp.
#include "http/client/fetch.hpp"

#include "http/client/content_decoder.hpp"
#include "http/client/redirect.hpp"
#include "http/message/cookie.hpp"
#include "http/message/token.hpp"

namespace layer7::http::client {

namespace {

Time wall_now()
{
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace

core::awaitable<core::Result<FetchResult, Failure>> fetch(Client& client, std::string url, Request request,
                                                          std::string body, const FetchOptions& options)
{
    FetchResult result;
    if (options.decode && !request.fields.contains("Accept-Encoding"))
        request.fields.add("Accept-Encoding", "gzip, deflate");
    for (;;) {
        auto parsed = parse_url(url);
        if (!parsed || (parsed->scheme != "http" && parsed->scheme != "https"))
            co_return core::fail(Failure{Error::bad_url, url});
        Request hop = request;
        if (options.jar) {
            const std::string cookies = options.jar->cookie_header(*parsed, wall_now());
            if (!cookies.empty() && !hop.fields.contains("Cookie"))
                hop.fields.add("Cookie", cookies);
        }
        auto sent = co_await client.send(*parsed, hop, body);
        if (!sent)
            co_return core::fail(sent.error());
        Exchange& ex = sent.value();
        if (options.jar)
            for (Field f : ex.response.fields)
                if (iequals(f.name, "Set-Cookie"))
                    if (auto set = parse_set_cookie(f.value))
                        options.jar->store(*set, *parsed, wall_now());
        if (options.on_exchange)
            options.on_exchange(ex);
        const auto location = ex.response.fields.get("Location");
        if (options.max_redirects > 0 && is_redirect(ex.response.status) && location) {
            if (result.redirects >= options.max_redirects)
                co_return core::fail(Failure{Error::too_many_redirects,
                                             "more than " + std::to_string(options.max_redirects)});
            auto next = resolve_reference(*parsed, *location);
            if (!next)
                co_return core::fail(Failure{Error::bad_url, "Location: " + std::string(*location)});
            const RedirectMethod m = redirect_method(ex.response.status, request.method);
            request.method = m.method;
            if (!m.keep_body) {
                body.clear();
                request.fields.erase("Content-Length");
                request.fields.erase("Content-Type");
            }
            // Credentials and cookies are per origin; Host is recomputed for the new URL.
            request.fields.erase("Host");
            if (parse_url(*next)->host != parsed->host)
                request.fields.erase("Authorization");
            url = std::move(*next);
            ++result.redirects;
            continue;
        }
        if (options.decode) {
            const auto coding = coding_of(ex.response.fields.get("Content-Encoding").value_or(""));
            if ((coding == Coding::gzip || coding == Coding::deflate) && !ex.body.empty()) {
                std::string decoded;
                if (decode_content(coding, ex.body, decoded) != DecodeStatus::ok)
                    co_return core::fail(Failure{Error::bad_response, "content does not decode as gzip/deflate"});
                ex.body = std::move(decoded);
            }
        }
        result.last = std::move(ex);
        result.url = url;
        co_return result;
    }
}

}  // namespace layer7::http::client
