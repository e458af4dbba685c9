// The Resolver interface's helpers and error texts.
#include "dns/resolver/resolver.hpp"

namespace layer7::dns {

std::string_view to_string(ResolveError e)
{
    switch (e) {
    case ResolveError::bad_question: return "not a question a resolver answers";
    case ResolveError::no_servers: return "no name server address";
    case ResolveError::servers_failed: return "no server gave a usable answer";
    case ResolveError::too_many_referrals: return "too many referrals";
    case ResolveError::too_many_queries: return "too many upstream queries";
    case ResolveError::cname_chain_too_long: return "CNAME chain too long";
    case ResolveError::timed_out: return "timed out";
    }
    return "?";
}

std::vector<Record> records_of(const Message& answer, RrType type)
{
    std::vector<Record> out;
    for (const auto& r : answer.answers)
        if (r.type == type)
            out.push_back(r);
    return out;
}

}  // namespace layer7::dns
