// Resolver: the one narrow interface other protocols use for DNS (SMTP delivery asks for MX,
// then A). Implemented by IterativeResolver; a test can supply its own.
#pragma once

#include <vector>

#include "core/net/asio.hpp"
#include "core/result.hpp"
#include "dns/resolver/resolve_error.hpp"
#include "dns/wire/message.hpp"

namespace layer7::dns {

class Resolver {
public:
    virtual ~Resolver() = default;
    // A response Message: rcode NOERROR with the answer (any CNAME chain first, then the RRset of
    // the final name; empty answers = NODATA) or NXDOMAIN, with the SOA in authority for the
    // negative cases. An error when no server gave an answer. Runs on the caller's executor.
    virtual core::awaitable<core::Result<Message, ResolveError>> resolve(Name name, RrType type) = 0;
};

// The records of `type` in a resolve() answer, CNAMEs skipped (e.g. the MX RRset).
std::vector<Record> records_of(const Message& answer, RrType type);

}  // namespace layer7::dns
