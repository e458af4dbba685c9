// IterativeResolver: the Resolver that iterates from the root hints, shell around
// ResolutionMachine: sends each step's query to the fastest untried server (smoothed RTT),
// retries over TCP when the reply is truncated, and bounds one resolution in total time.
// One object serves every worker: the cache and the RTT table are shared and locked.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

#include "dns/resolver/cache.hpp"
#include "dns/resolver/resolution_machine.hpp"
#include "dns/resolver/resolver.hpp"
#include "dns/resolver/rtt_table.hpp"

namespace layer7::dns::resolver {

struct ResolverOptions {
    IterationConfig iteration;
    CacheLimits cache;
    std::chrono::milliseconds query_timeout{800};   // one upstream try; then the next server
    std::chrono::milliseconds total_timeout{5000};  // one question, all tries (dig waits 5 s)
    std::uint16_t edns_size = 1232;                 // DNS flag day 2020: no IP fragmentation
};

class IterativeResolver final : public Resolver {
public:
    explicit IterativeResolver(ResolverOptions options);

    core::awaitable<core::Result<Message, ResolveError>> resolve(Name name, RrType type) override;
    // The answer from the cache alone, without I/O (the server's fast path); nullopt when an
    // upstream query would be needed.
    std::optional<Message> cached(const Question& question);

    Cache& cache() { return cache_; }
    const ResolverOptions& options() const { return options_; }

private:
    Message to_message(const Question& question, Outcome outcome) const;

    ResolverOptions options_;
    Cache cache_;
    RttTable rtt_;
};

}  // namespace layer7::dns::resolver
