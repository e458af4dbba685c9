// The authoritative server's Handler: see authority_handler.hpp.
#include "dns/server/authority_handler.hpp"

#include "dns/authority/axfr.hpp"
#include "dns/server/control.hpp"
#include "dns/server/responder.hpp"

namespace layer7::dns {

namespace {

// The first message in `reply.wire`, the others in `reply.more`.
void put(std::vector<std::vector<std::uint8_t>> messages, Reply& reply)
{
    if (messages.empty())
        return;
    reply.wire = std::move(messages.front());
    for (std::size_t i = 1; i < messages.size(); ++i)
        reply.more->push_back(std::move(messages[i]));
}

}  // namespace

AuthorityHandler::AuthorityHandler(const ZoneStore& zones, const AuthorityOptions& options, bool hold_answers)
    : zones_(zones), options_(options)
{
    if (hold_answers)
        held_.emplace(zones);
}

Served AuthorityHandler::serve(const Query& query, Reply& reply)
{
    if (!query.allowed) {
        if (vet_query(query.wire) != Vetting::drop)
            reply.wire = header_reply(*peek_header(query.wire), Rcode::refused);
    } else if (query.transport == Transport::udp) {
        serve_udp(query, reply.wire);
    } else {
        serve_tcp(query, reply);
    }
    return Served::now;
}

void AuthorityHandler::serve_udp(const Query& query, std::vector<std::uint8_t>& reply)
{
    // First the zones: new ones since the last query let go of every held reply.
    const auto snapshot = held_ ? nullptr : zones_.get();
    const ZoneSet& zones = held_ ? held_->zones() : *snapshot;
    if (held_ && held_->cache.lookup(query.wire, reply))
        return;  // a repeated question: the held reply with this query's id and spelling
    // Answered as asked in lowercase (see AnswerCache::lowercased); the spelling is put back.
    const auto asked = held_ ? held_->cache.lowercased(query.wire) : std::span<const std::uint8_t>{};
    Handled h = handle_query(asked.empty() ? query.wire : asked, zones, Transport::udp, options_.answer,
                             options_.control != nullptr);
    if (h.control) {
        auto replies = options_.control->handle(query.wire, query.client.address(), Transport::udp);
        if (!replies.empty())
            reply = std::move(replies.front());
        return;
    }
    reply = std::move(h.wire);
    if (!asked.empty() && h.query && !reply.empty()) {
        held_->cache.store(asked, reply);
        AnswerCache::respell(query.wire, reply);
    }
}

void AuthorityHandler::serve_tcp(const Query& query, Reply& reply)
{
    const auto zones = zones_.get();
    Handled h = handle_query(query.wire, *zones, Transport::tcp, options_.answer, options_.control != nullptr);
    const auto address = query.client.address();
    if (options_.control && (h.control || h.is_transfer())) {
        put(options_.control->handle(query.wire, address, Transport::tcp), reply);
        return;
    }
    if (h.is_transfer() && h.response) {
        if (!options_.axfr_allow.contains(address)) {
            h.response->rcode = Rcode::refused;  // RFC 5936 §6: transfers only to whom policy allows
            h.response->flags.aa = false;
            h.response->answers.clear();  // answer() gave IXFR our SOA
            reply.wire = encode(*h.response);
            return;
        }
        std::vector<std::vector<std::uint8_t>> messages;
        for (const auto& m : axfr(*h.query, *zones))
            messages.push_back(encode(m));
        put(std::move(messages), reply);
        return;
    }
    reply.wire = std::move(h.wire);
}

}  // namespace layer7::dns
