// The built-in pages of the textbook's examples: /echo shows a form's fields (GET query string or
// POST urlencoded body) and /session greets a visitor by the count kept in the session table.
#pragma once

#include <chrono>
#include <string_view>

#include "http/message/message.hpp"
#include "http/server/reply.hpp"
#include "http/server/sessions.hpp"

namespace layer7::http {

// GET/HEAD/POST /echo; `query` without '?'.
Reply echo_page(const Request& request, std::string_view query, std::string_view body);
// GET/HEAD /session. `secure` adds the Secure attribute (the request came over TLS).
Reply session_page(const Request& request, SessionTable& sessions, std::chrono::sys_seconds now, bool secure);

}  // namespace layer7::http
