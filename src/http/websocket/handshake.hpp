// The opening handshake (RFC 6455 §4): the server's checks of the upgrade request and its 101
// answer, and the client's request and checks of that answer; permessage-deflate is agreed here.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/result.hpp"
#include "http/message/message.hpp"
#include "http/server/reply.hpp"
#include "http/websocket/deflate.hpp"

namespace layer7::http::websocket {

// base64(SHA-1(key + the GUID of §1.3)): Sec-WebSocket-Accept for Sec-WebSocket-Key `key`.
std::string accept_key(std::string_view key);

// Server side. A valid upgrade request gets a 101 head (over HTTP/2, for an extended CONNECT with
// :protocol websocket, RFC 8441: a 200) and the agreed deflate parameters; anything else a reply to
// send instead: 426 with "Sec-WebSocket-Version: 13" for a missing or other version or a plain GET
// (§4.4), 405 for another method, 400 for a bad key, missing Upgrade fields or another :protocol.
struct Accepted {
    Response response;
    std::optional<DeflateParams> deflate;
};
std::variant<Accepted, Reply> accept_upgrade(const Request& request, const DeflatePolicy& policy);

// Client side: the GET that asks for the upgrade (with Host, the nonce `key` and our deflate offer).
Request make_upgrade_request(std::string_view host, std::string_view path, std::string_view key, bool offer_deflate);
// Checks the server's answer to it (§4.1): 101, Upgrade, Connection, the accept value and
// extensions we offered. The agreed deflate parameters, or why the connection must fail.
core::Result<std::optional<DeflateParams>, std::string> check_upgrade_response(const Response& response,
                                                                               std::string_view key);

}  // namespace layer7::http::websocket
