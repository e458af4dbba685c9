// User-agent fetch: see fetch.hpp.
#include "http/client/fetch.hpp"

#include <optional>
#include <utility>

#include "http/client/content_decoder.hpp"
#include "http/client/decoded_body.hpp"
#include "http/client/redirect.hpp"
#include "http/message/cookie.hpp"
#include "http/message/token.hpp"

namespace layer7::http::client {

namespace {

Time wall_now()
{
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

// A request body held whole (-d), pulled in one piece.
class WholeBody final : public core::ByteSource {
public:
    explicit WholeBody(std::string_view bytes) : bytes_(bytes) {}
    core::awaitable<std::error_code> next(std::string_view& chunk) override
    {
        chunk = std::exchange(bytes_, {});
        co_return std::error_code{};
    }
    std::optional<std::uint64_t> size() const override { return size_; }

private:
    std::string_view bytes_;
    std::uint64_t size_ = bytes_.size();
};

// A redirect's own content is not wanted: read it so the connection can be reused, unless it is
// long, when dropping the reader (which closes the connection) is cheaper.
core::awaitable<void> skip_body(core::ByteSource& body)
{
    constexpr std::uint64_t kMaxSkip = 64 * 1024;
    std::uint64_t skipped = 0;
    for (std::string_view piece; skipped <= kMaxSkip;) {
        if (auto ec = co_await body.next(piece); ec || piece.empty())
            co_return;
        skipped += piece.size();
    }
}

}  // namespace

core::awaitable<core::Result<FetchStream, Failure>> fetch_stream(Client& client, std::string url, Request request,
                                                                 std::string body, const FetchOptions& options)
{
    FetchStream result;
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
        WholeBody source(body);
        auto opened = co_await client.open(*parsed, hop, body.empty() ? nullptr : &source);
        if (!opened)
            co_return core::fail(opened.error());
        ResponseStream& rs = opened.value();
        if (options.jar)
            for (Field f : rs.response.fields)
                if (iequals(f.name, "Set-Cookie"))
                    if (auto set = parse_set_cookie(f.value))
                        options.jar->store(*set, *parsed, wall_now());
        if (options.on_exchange) {
            Exchange head{rs.response, {}, rs.timing, rs.peer, rs.request_head};
            options.on_exchange(head);
        }
        const auto location = rs.response.fields.get("Location");
        if (options.max_redirects > 0 && is_redirect(rs.response.status) && location) {
            if (result.redirects >= options.max_redirects)
                co_return core::fail(
                    Failure{Error::too_many_redirects, "more than " + std::to_string(options.max_redirects)});
            auto next = resolve_reference(*parsed, *location);
            if (!next)
                co_return core::fail(Failure{Error::bad_url, "Location: " + std::string(*location)});
            co_await skip_body(*rs.body);
            const RedirectMethod m = redirect_method(rs.response.status, request.method);
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
            const auto coding = coding_of(rs.response.fields.get("Content-Encoding").value_or(""));
            if (coding == Coding::gzip || coding == Coding::deflate)
                rs.body = std::make_unique<DecodedBody>(std::move(rs.body), coding, options.max_decoded);
        }
        result.last = std::move(rs);
        result.url = url;
        co_return std::move(result);
    }
}

core::awaitable<core::Result<FetchResult, Failure>> fetch(Client& client, std::string url, Request request,
                                                          std::string body, const FetchOptions& options)
{
    auto opened = co_await fetch_stream(client, std::move(url), std::move(request), std::move(body), options);
    if (!opened)
        co_return core::fail(opened.error());
    FetchStream& fs = opened.value();
    FetchResult result;
    Exchange& ex = result.last;
    ex.response = std::move(fs.last.response);
    ex.timing = fs.last.timing;
    ex.peer = std::move(fs.last.peer);
    ex.request_head = std::move(fs.last.request_head);
    for (;;) {
        std::string_view piece;
        if (auto ec = co_await fs.last.body->next(piece))
            co_return core::fail(body_failure(ec, ex.peer));
        if (piece.empty())
            break;
        ex.body.append(piece);
    }
    result.url = std::move(fs.url);
    result.redirects = fs.redirects;
    co_return result;
}

}  // namespace layer7::http::client
