// The built-in pages of the textbook's examples: /echo shows a form's fields (GET query string or
// POST urlencoded body) and /session greets a visitor by the count kept in the session table.
#pragma once

#include <chrono>
#include <string_view>
#include <vector>

#include "http/message/message.hpp"
#include "http/server/handler.hpp"
#include "http/server/reply.hpp"
#include "http/server/sessions.hpp"

namespace layer7::http {

struct FormPart;
// GET/HEAD/POST /echo; `query` without '?'. `parts`: a multipart/form-data body, summarised.
Reply echo_page(const Request& request, std::string_view query, std::string_view body,
                const std::vector<FormPart>* parts = nullptr);
// GET/HEAD /session. `secure` adds the Secure attribute (the request came over TLS).
Reply session_page(const Request& request, SessionTable& sessions, std::chrono::sys_seconds now, bool secure);

// /echo as a handler: GET/HEAD answer at once, POST reads its body (up to `max_body`); a
// multipart/form-data body is parsed as it streams in, keeping the first max_field_shown bytes of a part.
class EchoHandler final : public Handler {
public:
    explicit EchoHandler(std::size_t max_body) : max_body_(max_body) {}
    core::awaitable<Outcome> handle(Exchange& exchange) override;
    std::optional<Reply> handle_now(const Request& request, const RequestContext& context) override;

    static constexpr std::size_t max_field_shown = 1024;

private:
    std::size_t max_body_;
};

// /session as a handler.
class SessionHandler final : public Handler {
public:
    explicit SessionHandler(SessionTable& sessions) : sessions_(sessions) {}
    core::awaitable<Outcome> handle(Exchange& exchange) override;
    std::optional<Reply> handle_now(const Request& request, const RequestContext& context) override;

private:
    SessionTable& sessions_;
};

}  // namespace layer7::http
