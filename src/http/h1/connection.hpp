// Connection semantics of a parsed message: persistence (RFC 9112 §9.3) and Expect (RFC 9110 §10.1.1).
#pragma once

#include "http/message/message.hpp"

namespace layer7::http::h1 {

// HTTP/1.1 is persistent unless `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
bool keep_alive(const Version& version, const Fields& fields);
inline bool keep_alive(const Request& r)
{
    return keep_alive(r.version, r.fields);
}
inline bool keep_alive(const Response& r)
{
    return keep_alive(r.version, r.fields);
}

enum class Expectation {
    none,
    continue_,    // send 100 Continue before reading the body (or a final status instead)
    unsupported,  // some other expectation: answer 417
};
// An HTTP/1.0 request's 100-continue is ignored, as §10.1.1 requires.
Expectation expectation(const Request& request);

// Whether the request asks to switch to `protocol` (e.g. "h2c", "websocket") via Upgrade (§7.8).
bool wants_upgrade(const Request& request, std::string_view protocol);

}  // namespace layer7::http::h1
