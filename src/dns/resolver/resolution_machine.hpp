// ResolutionMachine: one client question resolved iteratively (RFC 1034 §5.3.3), as a pure state
// machine. It consults the cache, then says "send Q to one of servers S"; the shell sends, and
// feeds back the matched response or the timeout; at the end it says "answer" or "fail".
//
// Theory of operation. A stack of frames: the bottom frame is the client's question; a frame
// above it looks up the address of a name server that came without glue (an out-of-bailiwick NS),
// and when it finishes its addresses join the servers of the frame below. Each frame holds its
// current name (CNAMEs replace it), the chain so far, and the zone cut it is asking: the zone
// whose servers it queries, which is also the bailiwick their answers must stay in. A referral
// moves the cut down; a CNAME whose target leaves the response restarts from the closest cut the
// cache knows. Counters bound the work: CNAME chain, referrals, upstream queries, frame depth.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "dns/resolver/cache.hpp"
#include "dns/resolver/classify.hpp"
#include "dns/resolver/resolve_error.hpp"
#include "dns/resolver/server_address.hpp"

namespace layer7::dns::resolver {

struct ResolutionLimits {
    std::size_t max_cname_chain = 8;        // CNAMEs in one answer (BIND and Unbound stop near here)
    std::size_t max_referrals = 20;         // zone cuts followed, across frames
    std::size_t max_upstream_queries = 50;  // datagrams sent for one client question
    std::size_t max_frames = 4;             // the question + nested NS-address lookups
    std::size_t tries_per_server = 2;       // sends to one address before giving up on it
    bool ipv6 = false;                      // use AAAA glue (off: loopback-only hosts lack IPv6 routes)
};

// Where to start: the root hints, and stub zones whose servers are asked directly.
struct IterationConfig {
    Delegation root;
    std::vector<Delegation> stubs;
    ResolutionLimits limits;
};

// A finished resolution: NOERROR with answers (CNAME chain first), NOERROR without (NODATA) or
// NXDOMAIN, with the SOA in authority for the negative ones.
struct Outcome {
    Rcode rcode = Rcode::no_error;
    std::vector<Record> answers;
    std::vector<Record> authority;
    bool from_cache = false;  // no upstream query was needed
};

struct Step {
    enum class Kind { send, done, fail };
    Kind kind = Kind::fail;
    Question question;                                  // send: what to ask
    Name zone;                                          // send: the cut being asked (its bailiwick)
    std::vector<ServerAddress> servers;                 // send: ask one of these (the shell picks by RTT)
    Outcome outcome;                                    // done
    ResolveError error = ResolveError::servers_failed;  // fail
};

class ResolutionMachine {
public:
    ResolutionMachine(Question question, Cache& cache, const IterationConfig& config);

    Step start(Instant now);
    // A response from `from`, already matched to the last send (id, question, source).
    Step on_response(const Message& response, const ServerAddress& from, Instant now);
    // `server` did not answer in time (or the transport failed).
    Step on_timeout(const ServerAddress& server, Instant now);

    std::size_t queries() const { return queries_; }
    std::size_t referrals() const { return referrals_; }
    // What the last response was taken to be, for --trace.
    std::optional<ResponseKind> last_kind() const { return last_kind_; }
    std::size_t last_dropped() const { return last_dropped_; }

private:
    struct Candidate {
        ServerAddress address;
        std::size_t tries = 0;
    };
    struct Frame {
        Question question;  // the current name, after CNAMEs
        std::vector<Record> chain;
        bool have_cut = false;
        Name zone;
        std::vector<Candidate> servers;
        std::vector<Name> pending_ns;  // NS hosts of the cut without a known address
    };

    Step advance(Instant now);
    std::optional<Step> from_cache(Frame& frame, Instant now);
    void choose_cut(Frame& frame, Instant now);
    void set_cut(Frame& frame, const Name& zone, const std::vector<Name>& hosts, const std::vector<Record>& glue,
                 Instant now);
    void add_address(Frame& frame, const Record& record);
    bool resolving(const Name& host) const;
    Candidate* candidate(Frame& frame, const ServerAddress& address);
    // The frame on top is finished with `step`: return it, or pop it and go on with the one below.
    std::optional<Step> finish(Step step);
    Step fail(ResolveError error);

    Cache& cache_;
    const IterationConfig& config_;
    std::vector<Frame> frames_;
    std::size_t queries_ = 0, referrals_ = 0;
    std::optional<ResponseKind> last_kind_;
    std::size_t last_dropped_ = 0;
};

}  // namespace layer7::dns::resolver
