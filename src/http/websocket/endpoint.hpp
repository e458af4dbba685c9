// WebSocket endpoints as HTTP handlers: the handshake answers the upgrade request (or refuses it
// with 400/405/426), then a Session runs the connection with a per-connection Application.
// Built in: /ws/echo (every message back as it came) and /ws/chat (a room with presence).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/server/handler.hpp"
#include "http/server/service.hpp"
#include "http/websocket/chat_room.hpp"
#include "http/websocket/deflate.hpp"
#include "http/websocket/session.hpp"

namespace layer7::http::websocket {

struct EndpointOptions {
    SessionOptions session;
    DeflatePolicy deflate;
};

class Endpoint : public Handler {
public:
    explicit Endpoint(const EndpointOptions& options) : options_(options) {}
    core::awaitable<Outcome> handle(Exchange& exchange) override;

protected:
    // The application for one accepted connection.
    virtual std::shared_ptr<Application> open(const Request& request, const RequestContext& context) = 0;

private:
    EndpointOptions options_;
};

class EchoEndpoint final : public Endpoint {
public:
    using Endpoint::Endpoint;

protected:
    std::shared_ptr<Application> open(const Request& request, const RequestContext& context) override;
};

// ?name=alice picks the name shown to others.
class ChatEndpoint final : public Endpoint {
public:
    using Endpoint::Endpoint;

protected:
    std::shared_ptr<Application> open(const Request& request, const RequestContext& context) override;

private:
    std::shared_ptr<ChatRoom> room_ = std::make_shared<ChatRoom>();
};

// The [[http.mount]] handler names "ws-echo" and "ws-chat", built in at /ws/echo and /ws/chat.
std::vector<ExtraHandler> extra_handlers(const EndpointOptions& options = {});

}  // namespace layer7::http::websocket
