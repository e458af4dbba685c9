// Cache: RRsets by TTL and negative answers (RFC 2308: NXDOMAIN and NODATA, TTL from the SOA),
// ranked by trust (RFC 2181 §5.4.1) so glue never overwrites an authoritative answer. Sharded
// by name, one mutex per shard, so every worker shares it. The caller passes the time in.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "dns/wire/message.hpp"

namespace layer7::dns::resolver {

using Instant = std::chrono::steady_clock::time_point;  // passed in: the cache reads no clock

// RFC 2181 §5.4.1, lowest first: data from a referral must not replace data from an answer.
enum class Trust : std::uint8_t { glue, authority, answer, authoritative_answer };

struct CacheLimits {
    std::size_t max_entries = 200'000;       // across shards; a full shard drops expired, then any entry
    std::uint32_t max_ttl = 86'400;          // a day, as Unbound's cache-max-ttl
    std::uint32_t max_negative_ttl = 3'600;  // RFC 2308 §5: one to three hours
    std::size_t shards = 16;
};

struct CachedRRset {
    std::shared_ptr<const std::vector<Record>> records;  // TTLs as stored; use `ttl` instead
    std::uint32_t ttl = 0;                               // seconds left
    Trust trust = Trust::glue;
};

struct CachedNegative {
    Rcode rcode = Rcode::nx_domain;  // nx_domain, or no_error for NODATA
    std::optional<Record> soa;       // with the TTL left
    std::uint32_t ttl = 0;
};

class Cache {
public:
    explicit Cache(const CacheLimits& limits = {});

    // One RRset: records of one owner, type and class (the caller groups them). Its TTL is the
    // lowest of its records, capped at max_ttl; TTL 0 is not stored (RFC 1035 §3.2.1).
    // A live entry of higher trust is kept; otherwise it is replaced, and negative data for the
    // name and type goes.
    void insert(std::span<const Record> rrset, Trust trust, Instant now);
    std::optional<CachedRRset> find(const Name& name, RrType type, Instant now) const;

    // NXDOMAIN covers every type at `name`; NODATA one type. TTL = min(SOA TTL, SOA MINIMUM)
    // (RFC 2308 §5) capped at max_negative_ttl; without an SOA nothing is stored (§5).
    void insert_negative(const Name& name, RrType type, Rcode rcode, const Record& soa, Instant now);
    std::optional<CachedNegative> find_negative(const Name& name, RrType type, Instant now) const;

    std::size_t size() const;  // live and expired entries not yet dropped
    void clear();

private:
    struct Key {
        Name name;
        RrType type;  // RrType{0}: "the name does not exist" (NXDOMAIN)
        bool operator==(const Key&) const = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const { return k.name.hash() * 31 + static_cast<std::size_t>(k.type); }
    };
    struct Entry {
        Instant expires;
        Trust trust = Trust::glue;
        std::shared_ptr<const std::vector<Record>> records;  // positive
        std::optional<CachedNegative> negative;
    };
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<Key, Entry, KeyHash> entries;
    };
    Shard& shard_of(const Name& name) const { return shards_[name.hash() % shards_.size()]; }
    void make_room(Shard& shard, Instant now);

    CacheLimits limits_;
    std::size_t per_shard_;
    mutable std::vector<Shard> shards_;
};

// Seconds left until `expires`, 0 once passed.
std::uint32_t seconds_left(Instant expires, Instant now);

}  // namespace layer7::dns::resolver
