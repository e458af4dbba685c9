// ReplyCache: a worker's cache of encoded replies to plain queries, so a question answered from
// the resolver's cache a moment ago costs a hash and a copy instead of decode → cache walk →
// encode (Unbound's message cache, PowerDNS's packet cache). The key is the question (name
// lowercased, type, class) and whether the query had EDNS; a hit gets the query's id, RD and CD
// bits and the question as the client spelled it (0x20, RFC 4343 §4.1), and every TTL lowered
// by the seconds since the reply was stored (RFC 1035 §3.2.1). An entry lives until its lowest
// TTL runs out, so the negative-cache TTL (the SOA's, RFC 2308 §5) bounds a negative reply.
// A reply larger than the client's UDP size is not served here: the slow path truncates it.
// Pure: the caller passes the time in and owns one cache per worker (no locks).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "dns/resolver/cache.hpp"

namespace layer7::dns::resolver {

struct ReplyCacheLimits {
    std::size_t max_entries = 50'000;    // per worker; past either limit expired entries go, then all
    std::size_t max_bytes = 16 << 20;    // per worker: replies, keys and bookkeeping
    std::size_t max_reply_bytes = 4096;  // the largest UDP size a client can ask of us
};

// What the fast path needs to know about a query that it may answer.
struct PlainQuery {
    std::size_t question_end = 0;  // offset just after QCLASS
    bool edns = false;
    std::size_t max_udp = 512;  // the client's size: 512 without EDNS, else clamp(512, 4096)
};

// A query the fast path may answer: QR=0, opcode QUERY, one uncompressed question, nothing in
// answer and authority, at most an OPT of version 0 with well-formed options, no trailing bytes
// (anything else must take the slow path, which answers FORMERR, NOTIMP or BADVERS as due).
std::optional<PlainQuery> parse_plain_query(std::span<const std::uint8_t> query);

class ReplyCache {
public:
    explicit ReplyCache(ReplyCacheLimits limits = {}) : limits_(limits) {}

    // The stored reply to `query` rewritten into `out` (id, flags, spelling, TTLs); false on a
    // miss, an expired entry, a reply too large for the client, or a query that is not plain.
    bool lookup(std::span<const std::uint8_t> query, Instant now, std::vector<std::uint8_t>& out);
    // Remembers `reply` (as sent) to `query`; ignored unless the query is plain and the reply is an
    // untruncated NOERROR or NXDOMAIN with at least one record and every TTL above 0.
    void store(std::span<const std::uint8_t> query, std::span<const std::uint8_t> reply, Instant now);

    void clear()
    {
        entries_.clear();
        bytes_ = 0;
    }
    std::size_t size() const { return entries_.size(); }
    std::size_t bytes() const { return bytes_; }  // what counts against max_bytes

private:
    struct Entry {
        std::vector<std::uint8_t> wire;     // TTLs lowered by `aged` seconds
        std::vector<std::uint16_t> ttl_at;  // offsets of the TTL fields (not the OPT's)
        std::vector<std::uint32_t> ttl;     // their values when stored
        Instant stored;
        std::uint32_t lifetime = 0;  // the lowest TTL: seconds the entry may be served
        std::uint32_t aged = 0;
    };
    // Fills key_ from the query; false when the query is not plain.
    bool make_key(std::span<const std::uint8_t> query, PlainQuery& plain);
    static std::size_t cost(const std::string& key, const Entry& e);

    ReplyCacheLimits limits_;
    std::unordered_map<std::string, Entry> entries_;
    std::size_t bytes_ = 0;
    std::string key_;  // reused: no allocation per lookup
};

}  // namespace layer7::dns::resolver
