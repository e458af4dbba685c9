// The resolver's Handler: see resolver_handler.hpp.
#include "dns/resolver/resolver_handler.hpp"

#include <spdlog/spdlog.h>

#include "core/net/coarse_clock.hpp"
#include "dns/resolver/reply.hpp"

namespace layer7::dns::resolver {
namespace {

// The most a reply may take: the client's UDP size, or a whole message over TCP.
std::size_t max_reply(const Query& query, const Message& decoded)
{
    return query.transport == Transport::udp ? reply_size(decoded) : max_message_size;
}

}  // namespace

ResolverHandler::ResolverHandler(IterativeResolver& resolver, const Acl& acl, bool hold_replies)
    : resolver_(resolver), acl_(acl)
{
    if (hold_replies)
        replies_.emplace();
}

bool ResolverHandler::allows(const Client& client) const
{
    return acl_.contains(client.address());  // an empty allow list serves nobody
}

Served ResolverHandler::serve(const Query& query, Reply& reply)
{
    // TTLs count in seconds: the coarse clock (a memory read) is precise enough.
    const Instant now = core::coarse_steady_now();
    if (query.allowed && replies_ && replies_->lookup(query.wire, now, reply.wire))
        return Served::now;
    Incoming in = take_query(query.wire, query.allowed);
    if (in.action != Intake::resolve) {
        reply.wire = std::move(in.wire);
        return Served::now;
    }
    if (auto hit = resolver_.cached(in.query.questions.front())) {
        reply.wire = make_reply(in.query, *hit, max_reply(query, in.query));
        if (replies_)
            replies_->store(query.wire, reply.wire, now);
        return Served::now;
    }
    if (!query.may_wait) {
        reply.wire = make_error(in.query, Rcode::serv_fail);
        return Served::now;
    }
    return Served::later;
}

core::awaitable<void> ResolverHandler::serve_later(const Query& query, Reply& reply)
{
    const Message q = take_query(query.wire, query.allowed).query;  // serve() found it well-formed
    const Question& question = q.questions.front();
    auto answer = co_await resolver_.resolve(question.name, question.type);
    if (!answer) {
        spdlog::debug("resolver: {} {}: {}", question.name.to_text(), to_text(question.type),
                      to_string(answer.error()));
        reply.wire = make_error(q, Rcode::serv_fail);
        co_return;
    }
    reply.wire = make_reply(q, *answer, max_reply(query, q));
}

}  // namespace layer7::dns::resolver
