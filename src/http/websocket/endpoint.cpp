// WebSocket endpoints: see endpoint.hpp.
#include "http/websocket/endpoint.hpp"

#include "http/message/form.hpp"
#include "http/websocket/handshake.hpp"

namespace layer7::http::websocket {

core::awaitable<Outcome> Endpoint::handle(Exchange& exchange)
{
    auto outcome = accept_upgrade(exchange.request, options_.deflate);
    if (auto* refused = std::get_if<Reply>(&outcome))
        co_return std::move(*refused);
    Accepted& accepted = std::get<Accepted>(outcome);
    Upgrade upgrade;
    upgrade.response = std::move(accepted.response);
    // The shell keeps the Upgrade, and so these captures, until run() returns.
    upgrade.run = [app = open(exchange.request, exchange.context), options = options_.session,
                   deflate = accepted.deflate](core::Duplex& peer, std::string early) -> core::awaitable<void> {
        auto session = std::make_shared<Session>(peer, Side::server, options, deflate);
        co_await session->run(*app, std::move(early));
    };
    co_return upgrade;
}

namespace {

class Echo final : public Application {
public:
    core::awaitable<void> on_message(Session& session, Opcode opcode, std::string& payload) override
    {
        co_await session.send(opcode, std::move(payload));
    }
};

// One chat connection: a room member whose deliveries go to its session's queue.
class ChatMember final : public Application, public ChatRoom::Member, public std::enable_shared_from_this<ChatMember> {
public:
    ChatMember(std::shared_ptr<ChatRoom> room, std::string wanted) : room_(std::move(room)), wanted_(std::move(wanted))
    {
    }

    core::awaitable<void> on_open(Session& session) override
    {
        session_ = session.shared_from_this();
        room_->join(shared_from_this(), wanted_);
        co_return;
    }
    core::awaitable<void> on_message(Session& session, Opcode opcode, std::string& payload) override
    {
        if (opcode != Opcode::text) {
            session.close(CloseCode::unsupported_data, "the chat takes text");  // §7.4.1: 1003
            co_return;
        }
        room_->say(this, payload);
    }
    void on_close(Session&, CloseCode) override
    {
        room_->leave(this);
        session_.reset();
    }
    bool deliver(std::shared_ptr<const std::string> json) override
    {
        auto session = session_.lock();
        return session && session->offer(Opcode::text, std::move(json));
    }

private:
    std::shared_ptr<ChatRoom> room_;
    std::string wanted_;
    std::weak_ptr<Session> session_;
};

std::string query_value(std::string_view query, std::string_view name)
{
    if (auto fields = decode_form(query))
        for (const auto& [key, value] : *fields)
            if (key == name)
                return value;
    return {};
}

}  // namespace

std::shared_ptr<Application> EchoEndpoint::open(const Request&, const RequestContext&)
{
    return std::make_shared<Echo>();
}

std::shared_ptr<Application> ChatEndpoint::open(const Request&, const RequestContext& context)
{
    return std::make_shared<ChatMember>(room_, query_value(context.query, "name"));
}

std::vector<ExtraHandler> extra_handlers(const EndpointOptions& options)
{
    return {
        {"ws-echo", "/ws/echo", [options] { return std::make_shared<EchoEndpoint>(options); }},
        {"ws-chat", "/ws/chat", [options] { return std::make_shared<ChatEndpoint>(options); }},
    };
}

}  // namespace layer7::http::websocket
