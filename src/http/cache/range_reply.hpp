// A Range request answered from a stored complete response (RFC 9111 §3.4 lets a cache do so;
// RFC 9110 §14): 206 with Content-Range, multipart/byteranges for several ranges, 416. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message/message.hpp"

namespace layer7::http::cache {

struct RangeReply {
    Response response;  // the stored head made a 206 (or 416); Content-Length left to the framing
    std::string body;
};

// nullopt: send the whole stored response (not a GET with Range, stored is not a 200, If-Range
// does not select it, or the Range is ignorable).
std::optional<RangeReply> range_reply(const Request& request, const Response& stored, std::string_view body);

}  // namespace layer7::http::cache
