// finish_response: what every reply's head gets from the server, whatever the handler (RFC 9110
// §6.6.1 Date, §10.2.4 Server, §8.6 Content-Length, §9.3.2 HEAD; RFC 9112 §6.1, §9.3): one pure
// function, so the HTTP/1.1 shell and (later) the HTTP/2 shell frame replies alike.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "http/message/message.hpp"

namespace layer7::http {

struct Finish {
    const Request* request = nullptr;        // null: a request refused before it was parsed
    std::optional<std::uint64_t> body_size;  // nullopt: unknown until the body ends
    bool keep_alive = true;                  // the connection stays open after this reply
    std::string_view date;                   // an IMF-fixdate for the Date field
    bool h2 = false;                         // HTTP/2 frames the body: no Connection, no chunked
};

struct Framed {
    bool send_body = true;   // false for HEAD and 1xx/204/304
    bool chunked = false;    // HTTP/1.1 chunked transfer coding
    bool keep_alive = true;  // false also when the end of the body is the end of the connection
};

// Adds Server and Date when the handler (or the origin behind a proxy) did not, and the framing
// fields: Content-Length (kept as is for HEAD when already present), Transfer-Encoding: chunked
// or a close-delimited body for HTTP/1.0, and Connection.
Framed finish_response(Response& response, const Finish& finish);

// The Date field's value for `now`, formatted once a second per thread.
std::string_view current_http_date(std::chrono::system_clock::time_point now);

}  // namespace layer7::http
