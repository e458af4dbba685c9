// Why a resolution gave no answer (pure: shared by the state machine and the Resolver interface).
#pragma once

#include <string_view>

namespace layer7::dns {

enum class ResolveError {
    bad_question,          // not class IN, or a meta type (AXFR, OPT)
    no_servers,            // no address to ask for some zone
    servers_failed,        // every server timed out or gave an unusable reply
    too_many_referrals,    // ResolutionLimits::max_referrals
    too_many_queries,      // ResolutionLimits::max_upstream_queries
    cname_chain_too_long,  // ResolutionLimits::max_cname_chain
    timed_out,             // the shell's total time for one question
};
std::string_view to_string(ResolveError e);

}  // namespace layer7::dns
