// Message body length (RFC 9112 §6.3): how many bytes follow the head, decided once per message.
#pragma once

#include <cstdint>
#include <optional>

#include "http/h1/head_syntax.hpp"

namespace layer7::http::h1 {

enum class BodyKind {
    none,         // no content: the message ends with the head
    length,       // Content-Length bytes
    chunked,      // chunked transfer coding (§7.1)
    until_close,  // responses only: content ends when the server closes (§6.3 item 8)
    tunnel,       // responses only: 101 or 2xx to CONNECT; what follows is not HTTP/1.1
};

struct Framing {
    BodyKind kind = BodyKind::none;
    std::uint64_t length = 0;  // for BodyKind::length
};

// Content-Length: one value, or a list / repeated lines of identical values (§6.3 item 5).
// Sets `out` to nullopt when the field is absent.
MaybeError parse_content_length(const Fields& fields, std::optional<std::uint64_t>& out);
// Framing of a request (§6.3 items 3–7). Also enforces §3.2's Host rules.
MaybeError request_framing(const Request& request, Framing& out);
// Framing of a response to `request_method` (§6.3 items 1–8).
MaybeError response_framing(const Response& response, const Method& request_method, Framing& out);

}  // namespace layer7::http::h1
