// ServerConnection: see server_connection.hpp.
#include "http/h1/server_connection.hpp"

#include <algorithm>

#include "http/h1/connection.hpp"

namespace layer7::http::h1 {

ServerConnection::ServerConnection(const ServerRules& rules, std::size_t served)
    : rules_(rules), parser_(rules.parser), served_(served)
{
}

void ServerConnection::feed(std::string_view bytes, Clock::time_point now)
{
    if (!in_message_) {
        in_message_ = true;
        head_seen_ = false;
        started_ = now;
    }
    parser_.feed(bytes);
}

ServerEvent ServerConnection::reject(Status status)
{
    rejected_ = true;
    reject_ = status;
    return {ServerEventKind::reject, {}};
}

ServerEvent ServerConnection::next()
{
    if (rejected_)
        return {ServerEventKind::reject, {}};
    if (in_request_ && body_done_)  // the next request waits for this one's reply
        return {ServerEventKind::body_end, {}};
    Event event = parser_.next();
    if (event.kind == EventKind::complete && !in_request_ && !draining_) {
        // The end of a body nobody waits for (an empty one, its request already answered).
        in_message_ = false;
        body_done_ = true;
        event = parser_.next();
    }
    switch (event.kind) {
    case EventKind::need_more: return {};
    case EventKind::head: {
        head_seen_ = true;
        in_request_ = true;
        body_done_ = false;
        continue_owed_ = false;
        const Expectation expect = expectation(request());
        if (expect == Expectation::unsupported)
            return reject(Status::expectation_failed);
        if (expect == Expectation::continue_ && has_body()) {
            // §10.1.1: a body we would refuse is refused now, before the client sends it.
            if (parser_.framing().kind == BodyKind::length && parser_.framing().length > rules_.parser.max_body)
                return reject(Status::content_too_large);
            continue_owed_ = true;
        }
        return {ServerEventKind::request, {}};
    }
    case EventKind::data: return {ServerEventKind::body, event.data};
    case EventKind::complete:
        in_message_ = false;
        body_done_ = true;
        continue_owed_ = false;
        draining_ = false;
        return {ServerEventKind::body_end, {}};
    case EventKind::error: return reject(status_for(parser_.error()));
    }
    return {};
}

ServerConnection::Clock::duration ServerConnection::read_timeout(Clock::time_point now) const
{
    if (!in_head())
        return rules_.idle_timeout;
    const auto left = started_ + rules_.header_timeout - now;
    return std::clamp(left, Clock::duration::zero(), rules_.idle_timeout);
}

ReplyPlan ServerConnection::plan_reply(bool reply_close)
{
    in_request_ = false;
    ReplyPlan plan;
    const bool client_keeps = keep_alive(request());
    plan.keep_alive = client_keeps && !reply_close && ++served_ < rules_.max_requests;
    closed_by_us_ = client_keeps && !plan.keep_alive;
    if (body_done_ || !has_body() || !plan.keep_alive)
        return plan;
    // The handler left some of the body unread. A client still waiting for 100 may never send it;
    // a known small rest is read and dropped; anything else costs the connection.
    const Framing& framing = parser_.framing();
    const bool small_rest = framing.kind == BodyKind::length && framing.length - body_bytes() <= rules_.max_drain;
    if (continue_owed_ || !small_rest)
        plan.keep_alive = false;
    else
        plan.drain = draining_ = true;
    closed_by_us_ = !plan.keep_alive;
    return plan;
}

}  // namespace layer7::http::h1
