// The opening handshake: see handshake.hpp.
#include "http/websocket/handshake.hpp"

#include <openssl/sha.h>

#include "core/bytes/base64.hpp"
#include "http/server/handler.hpp"
#include "http/h1/connection.hpp"
#include "http/message/token.hpp"

namespace layer7::http::websocket {

namespace {

constexpr std::string_view guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";  // RFC 6455 §1.3

Reply refuse(Status status, std::string text)
{
    Reply r = text_reply(status, std::move(text) + "\n");
    if (status == Status::upgrade_required) {
        r.response.fields.add("Upgrade", "websocket");
        r.response.fields.add("Connection", "Upgrade");
        r.response.fields.add("Sec-WebSocket-Version", "13");
    }
    return r;
}

}  // namespace

std::string accept_key(std::string_view key)
{
    std::string input(key);
    input += guid;
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
    return core::base64_encode(std::span<const std::uint8_t>(digest, sizeof digest));
}

std::variant<Accepted, Reply> accept_upgrade(const Request& request, const DeflatePolicy& policy)
{
    // Over HTTP/2 the request is an extended CONNECT (RFC 8441 §4): no Upgrade fields and no key,
    // since the stream, not the connection, changes hands.
    const bool over_stream = request.method == MethodId::connect && !request.protocol.empty();
    if (over_stream) {
        if (request.protocol != "websocket")
            return refuse(Status::bad_request, "this endpoint speaks the websocket protocol only");
    } else {
        if (request.method != MethodId::get)
            return not_allowed_reply("GET");
        if (!h1::wants_upgrade(request, "websocket"))
            return refuse(Status::upgrade_required, "this is a WebSocket endpoint: connect with a WebSocket client");
        if (request.version.major != 1 || request.version.minor < 1)
            return refuse(Status::bad_request, "WebSocket needs HTTP/1.1");
    }
    // §4.4: a version we do not speak gets 426 and the versions we do.
    const auto version = request.fields.get("Sec-WebSocket-Version");
    if (!version || trim_ows(*version) != "13")
        return refuse(Status::upgrade_required, "only WebSocket version 13 is supported");

    Accepted a;
    if (over_stream) {
        a.response.status = Status::ok;  // RFC 8441 §5: a 2xx opens the stream to WebSocket
    } else {
        // §4.1: the key is a base64-encoded 16-byte nonce; exactly one.
        const auto key = request.fields.get("Sec-WebSocket-Key");
        if (!key || request.fields.count("Sec-WebSocket-Key") != 1)
            return refuse(Status::bad_request, "missing Sec-WebSocket-Key");
        const std::string_view k = trim_ows(*key);
        const auto nonce = core::base64_decode(k);
        if (!nonce || nonce->size() != 16)
            return refuse(Status::bad_request, "Sec-WebSocket-Key is not a base64 16-byte nonce");
        a.response.status = Status::switching_protocols;
        a.response.fields.add("Upgrade", "websocket");
        a.response.fields.add("Connection", "Upgrade");
        a.response.fields.add("Sec-WebSocket-Accept", accept_key(k));
    }
    a.deflate = negotiate_deflate(request.fields.combined("Sec-WebSocket-Extensions"), policy);
    if (a.deflate)
        a.response.fields.add("Sec-WebSocket-Extensions", format_deflate(*a.deflate));
    return a;
}

Request make_upgrade_request(std::string_view host, std::string_view path, std::string_view key, bool offer_deflate)
{
    Request r;
    r.method = MethodId::get;
    r.target = std::string(path);
    r.fields.add("Host", host);
    r.fields.add("Upgrade", "websocket");
    r.fields.add("Connection", "Upgrade");
    r.fields.add("Sec-WebSocket-Key", key);
    r.fields.add("Sec-WebSocket-Version", "13");
    if (offer_deflate)
        r.fields.add("Sec-WebSocket-Extensions", deflate_offer());
    r.fields.add("User-Agent", "layer7");
    return r;
}

core::Result<std::optional<DeflateParams>, std::string> check_upgrade_response(const Response& response,
                                                                               std::string_view key)
{
    if (response.status != Status::switching_protocols)
        return core::fail("the server answered " + std::to_string(code(response.status)) + ", not 101");
    const auto upgrade = response.fields.get("Upgrade");
    if (!upgrade || !iequals(trim_ows(*upgrade), "websocket"))
        return core::fail(std::string("the 101 has no \"Upgrade: websocket\""));
    if (!response.fields.list_contains("Connection", "upgrade"))
        return core::fail(std::string("the 101 has no \"Connection: Upgrade\""));
    const auto accept = response.fields.get("Sec-WebSocket-Accept");
    if (!accept || trim_ows(*accept) != accept_key(key))
        return core::fail(std::string("wrong Sec-WebSocket-Accept"));
    if (response.fields.contains("Sec-WebSocket-Protocol"))
        return core::fail(std::string("the server chose a subprotocol we did not offer"));
    return accept_deflate_answer(response.fields.combined("Sec-WebSocket-Extensions"));
}

}  // namespace layer7::http::websocket
