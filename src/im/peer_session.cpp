// One direct chat connection: see peer_session.hpp.
#include "im/peer_session.hpp"

#include <optional>

#include "im/index_codec.hpp"

namespace layer7::im {

namespace {
PeerStep make(std::string wire, bool close = false, std::string error = {},
              std::optional<PeerEvent::Kind> event = std::nullopt, std::string text = {})
{
    PeerStep step;
    step.wire = std::move(wire);
    step.close = close;
    step.error = std::move(error);
    if (event)
        step.events.push_back({*event, std::move(text)});
    return step;
}
}  // namespace

PeerSession::PeerSession(Role role, std::string me, std::string buddy)
    : role_(role), me_(std::move(me)), buddy_(std::move(buddy)),
      phase_(role == Role::caller ? Phase::wait_greeting : Phase::wait_hello)
{
}

std::string PeerSession::greeting() const
{
    return role_ == Role::callee ? peer_greeting(me_) : std::string{};
}

PeerStep PeerSession::garbage(std::string why)
{
    phase_ = Phase::closed;
    return make(reply(554, "protocol error"), true, std::move(why));
}

PeerStep PeerSession::on_line_too_long()
{
    if (phase_ == Phase::closed)
        return make({}, true);
    return garbage("a line over the limit");
}

std::string PeerSession::message(std::string_view text) const
{
    return phase_ == Phase::established ? peer_message(text) : std::string{};
}

PeerStep PeerSession::on_line(std::string_view line)
{
    const Command command = split_command(line);
    switch (phase_) {
    case Phase::closed: return make({}, true);
    case Phase::wait_greeting: {
        const IndexLine in = decode_index_line(line);
        if (in.kind != IndexLine::Kind::reply || in.code != 220)
            return garbage("no peer greeting");
        const auto parts = words(in.text);
        auto name = parts.empty() ? std::nullopt : canonical_name(parts[0]);
        if (!name)
            return garbage("no name in the peer greeting");
        if (*name != buddy_) {
            phase_ = Phase::closed;
            return make(peer_bye(), true, "that address is " + *name + "'s, not " + buddy_ + "'s");
        }
        phase_ = Phase::wait_ok;
        return make(peer_hello(me_));
    }
    case Phase::wait_ok: {
        const IndexLine in = decode_index_line(line);
        if (in.kind != IndexLine::Kind::reply)
            return garbage("no answer to HELLO");
        if (in.code != 250) {
            phase_ = Phase::closed;
            return make({}, true, buddy_ + " refused: " + in.text);
        }
        phase_ = Phase::established;
        return make({}, false, {}, PeerEvent::Kind::established);
    }
    case Phase::wait_hello: {
        if (command.verb == "BYE") {
            phase_ = Phase::closed;
            return make({}, true);
        }
        if (command.verb != "HELLO")
            return garbage("no HELLO");
        const auto parts = words(command.args);
        auto name = parts.size() == 1 ? canonical_name(parts[0]) : std::nullopt;
        if (!name)
            return garbage("a bad name in HELLO");
        buddy_ = *name;
        phase_ = Phase::established;
        return make(reply(250, "hello " + buddy_), false, {}, PeerEvent::Kind::established);
    }
    case Phase::established: break;
    }
    if (command.verb == "BYE") {
        phase_ = Phase::closed;
        return make({}, true, {}, PeerEvent::Kind::bye);
    }
    if (command.verb == "MSG" && is_clean_text(command.args))
        return make({}, false, {}, PeerEvent::Kind::message, std::string(command.args));
    return garbage(command.verb == "MSG" ? "control characters in a message" : "not a MSG or BYE");
}

}  // namespace layer7::im
