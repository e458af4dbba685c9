// RTSP 1.0 messages (RFC 2326 §6–7): a request or response line, header fields with HTTP's syntax
// (kept in http::Fields), and an optional body sized by Content-Length. Interleaved binary data
// ($, channel, 16-bit length; §10.12) shares the TCP connection with them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/message/fields.hpp"

namespace layer7::rtsp {

struct Request {
    std::string method;  // OPTIONS, DESCRIBE, SETUP, …; case-sensitive (§6.1)
    std::string uri;
    http::Fields headers;
    std::string body;
    // CSeq, echoed in the response (§12.17); nullopt when absent or not a number.
    std::optional<std::uint32_t> cseq() const;
};

struct Response {
    int status = 200;
    std::string reason;  // empty: the standard phrase
    http::Fields headers;
    std::string body;
};

struct Interleaved {
    std::uint8_t channel = 0;
    std::string data;  // one RTP or RTCP packet
};

// The standard reason phrase of an RTSP status (§7.1.1), or "Unknown".
std::string_view reason_phrase(int status);
// Wire form: start line, headers, Content-Length when there is a body, blank line, body.
std::string to_wire(const Request& request);
std::string to_wire(const Response& response);
// "$" + channel + length + data (§10.12); the caller keeps data under 64 KiB.
std::string interleaved_frame(std::uint8_t channel, std::string_view data);

}  // namespace layer7::rtsp
