// Cache: sharded maps of RRsets and negative entries with absolute expiry times.
#include "dns/resolver/cache.hpp"

#include <algorithm>

namespace layer7::dns::resolver {

std::uint32_t seconds_left(Instant expires, Instant now)
{
    if (expires <= now)
        return 0;
    return static_cast<std::uint32_t>(std::chrono::duration_cast<std::chrono::seconds>(expires - now).count());
}

Cache::Cache(const CacheLimits& limits)
    : limits_(limits),
      per_shard_(std::max<std::size_t>(1, limits.max_entries / std::max<std::size_t>(1, limits.shards))),
      shards_(std::max<std::size_t>(1, limits.shards))
{
}

void Cache::make_room(Shard& shard, Instant now)
{
    if (shard.entries.size() < per_shard_)
        return;
    std::erase_if(shard.entries, [now](const auto& kv) { return kv.second.expires <= now; });
    // Still full: drop one entry the hash happens to put first (cheap, and no attacker picks it).
    if (shard.entries.size() >= per_shard_)
        shard.entries.erase(shard.entries.begin());
}

void Cache::insert(std::span<const Record> rrset, Trust trust, Instant now)
{
    if (rrset.empty())
        return;
    std::uint32_t ttl = limits_.max_ttl;
    for (const auto& r : rrset)
        ttl = std::min(ttl, r.ttl);
    if (ttl == 0)
        return;
    const Name& name = rrset.front().owner;
    Shard& shard = shard_of(name);
    std::lock_guard lock(shard.mutex);
    Key key{name, rrset.front().type};
    auto it = shard.entries.find(key);
    if (it != shard.entries.end() && it->second.expires > now && it->second.records && it->second.trust > trust)
        return;
    if (it == shard.entries.end())
        make_room(shard, now);
    Entry entry{now + std::chrono::seconds(ttl), trust,
                std::make_shared<const std::vector<Record>>(rrset.begin(), rrset.end()), std::nullopt};
    shard.entries.insert_or_assign(std::move(key), std::move(entry));
    shard.entries.erase(Key{name, RrType{0}});  // the name exists after all
}

std::optional<CachedRRset> Cache::find(const Name& name, RrType type, Instant now) const
{
    Shard& shard = shard_of(name);
    std::lock_guard lock(shard.mutex);
    auto it = shard.entries.find(Key{name, type});
    if (it == shard.entries.end() || !it->second.records || it->second.expires <= now)
        return std::nullopt;
    return CachedRRset{it->second.records, seconds_left(it->second.expires, now), it->second.trust};
}

void Cache::insert_negative(const Name& name, RrType type, Rcode rcode, const Record& soa, Instant now)
{
    const auto* data = std::get_if<Soa>(&soa.data);
    if (!data)
        return;
    std::uint32_t ttl = std::min({soa.ttl, data->minimum, limits_.max_negative_ttl});
    if (ttl == 0)
        return;
    Shard& shard = shard_of(name);
    std::lock_guard lock(shard.mutex);
    Key key{name, rcode == Rcode::nx_domain ? RrType{0} : type};
    auto it = shard.entries.find(key);
    // An authoritative positive answer still alive outranks a negative one for the same key.
    if (it != shard.entries.end() && it->second.records && it->second.expires > now &&
        it->second.trust == Trust::authoritative_answer)
        return;
    if (it == shard.entries.end())
        make_room(shard, now);
    Record stored = soa;
    stored.ttl = ttl;
    shard.entries.insert_or_assign(std::move(key), Entry{now + std::chrono::seconds(ttl), Trust::authoritative_answer,
                                                         nullptr, CachedNegative{rcode, stored, ttl}});
}

std::optional<CachedNegative> Cache::find_negative(const Name& name, RrType type, Instant now) const
{
    Shard& shard = shard_of(name);
    std::lock_guard lock(shard.mutex);
    for (RrType t : {RrType{0}, type}) {
        auto it = shard.entries.find(Key{name, t});
        if (it == shard.entries.end() || !it->second.negative || it->second.expires <= now)
            continue;
        CachedNegative out = *it->second.negative;
        out.ttl = seconds_left(it->second.expires, now);
        if (out.soa)
            out.soa->ttl = out.ttl;
        return out;
    }
    return std::nullopt;
}

std::size_t Cache::size() const
{
    std::size_t n = 0;
    for (auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        n += s.entries.size();
    }
    return n;
}

void Cache::clear()
{
    for (auto& s : shards_) {
        std::lock_guard lock(s.mutex);
        s.entries.clear();
    }
}

}  // namespace layer7::dns::resolver
