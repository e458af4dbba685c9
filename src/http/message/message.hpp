// Request and Response: HTTP semantics independent of the wire version (RFC 9110 §6).
// h1 and h2 both produce and consume these.
#pragma once

#include <string>

#include "http/message/fields.hpp"
#include "http/message/method.hpp"
#include "http/message/status.hpp"

namespace layer7::http {

struct Version {
    int major = 1;
    int minor = 1;
    friend bool operator==(const Version&, const Version&) = default;
};

struct Request {
    Method method;
    std::string target;  // request-target as received; parse with parse_target()
    Version version;
    Fields fields;
    std::string protocol;  // HTTP/2's :protocol of an extended CONNECT (RFC 8441), e.g. "websocket"
};

struct Response {
    Status status = Status::ok;
    std::string reason;  // empty: the serializer writes reason_phrase(status)
    Version version;
    Fields fields;
};

}  // namespace layer7::http
