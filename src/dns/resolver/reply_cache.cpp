// ReplyCache: see reply_cache.hpp. Offsets below are RFC 1035 §4.1: a 12-octet header, the
// question (name, QTYPE, QCLASS), then records of name, TYPE, CLASS, TTL, RDLENGTH, RDATA.
#include "dns/resolver/reply_cache.hpp"

#include <algorithm>

namespace layer7::dns::resolver {
namespace {

constexpr std::size_t header_size = 12;
constexpr std::uint16_t opt_type = 41;      // RFC 6891 §6.1.2
constexpr std::size_t max_name_wire = 255;  // RFC 1035 §2.3.4

std::uint16_t u16_at(std::span<const std::uint8_t> w, std::size_t at)
{
    return static_cast<std::uint16_t>(w[at] << 8 | w[at + 1]);
}

std::uint32_t u32_at(std::span<const std::uint8_t> w, std::size_t at)
{
    return static_cast<std::uint32_t>(w[at]) << 24 | static_cast<std::uint32_t>(w[at + 1]) << 16 |
           static_cast<std::uint32_t>(w[at + 2]) << 8 | w[at + 3];
}

char lower(std::uint8_t c)
{
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
}

// The end of the uncompressed name at `at`, or 0 when it is compressed, malformed or too long.
std::size_t plain_name_end(std::span<const std::uint8_t> w, std::size_t at)
{
    const std::size_t start = at;
    while (at < w.size()) {
        const std::uint8_t length = w[at];
        if (length == 0)
            return at + 1 - start > max_name_wire ? 0 : at + 1;
        if (length > 63)
            return 0;  // a pointer or an extended label type
        at += 1 + length;
    }
    return 0;
}

// The end of the possibly compressed name at `at` (in place: a pointer ends it), 0 when malformed.
std::size_t skip_name(std::span<const std::uint8_t> w, std::size_t at)
{
    while (at < w.size()) {
        const std::uint8_t length = w[at];
        if ((length & 0xc0) == 0xc0)
            return at + 2 <= w.size() ? at + 2 : 0;
        if (length & 0xc0)
            return 0;
        if (length == 0)
            return at + 1;
        at += 1 + length;
    }
    return 0;
}

}  // namespace

std::optional<PlainQuery> parse_plain_query(std::span<const std::uint8_t> q)
{
    if (q.size() < header_size + 5)
        return std::nullopt;
    if ((q[2] & 0xf8) != 0)  // QR=0 and opcode QUERY (RFC 1035 §4.1.1)
        return std::nullopt;
    if (u16_at(q, 4) != 1 || u16_at(q, 6) != 0 || u16_at(q, 8) != 0 || u16_at(q, 10) > 1)
        return std::nullopt;
    const std::size_t name_end = plain_name_end(q, header_size);
    if (name_end == 0 || name_end + 4 > q.size())
        return std::nullopt;
    PlainQuery p;
    p.question_end = name_end + 4;
    if (u16_at(q, 10) == 0)
        return p.question_end == q.size() ? std::optional(p) : std::nullopt;
    // The OPT record (RFC 6891 §6.1.2): root owner, TYPE 41, CLASS = UDP size, TTL = extended
    // rcode, version, DO and Z; RDATA a sequence of {code, length, data}.
    std::size_t at = p.question_end;
    if (at + 11 > q.size() || q[at] != 0 || u16_at(q, at + 1) != opt_type)
        return std::nullopt;
    if (q[at + 6] != 0)  // version: anything else is BADVERS (RFC 6891 §6.1.3), the slow path's
        return std::nullopt;
    const std::size_t udp_size = u16_at(q, at + 3);
    const std::size_t rdata_end = at + 11 + u16_at(q, at + 9);
    if (rdata_end != q.size())
        return std::nullopt;
    for (at += 11; at < rdata_end;) {
        if (at + 4 > rdata_end)
            return std::nullopt;
        at += 4 + u16_at(q, at + 2);
    }
    if (at != rdata_end)
        return std::nullopt;
    p.edns = true;
    p.max_udp = std::clamp<std::size_t>(udp_size, 512, 4096);  // as reply_size() (RFC 6891 §6.2.5)
    return p;
}

std::size_t ReplyCache::cost(const std::string& key, const Entry& e)
{
    constexpr std::size_t node = 128;  // the map's node, the key's and the vectors' headers
    return node + key.size() + e.wire.size() + e.ttl_at.size() * (sizeof(std::uint16_t) + sizeof(std::uint32_t));
}

bool ReplyCache::make_key(std::span<const std::uint8_t> query, PlainQuery& plain)
{
    auto parsed = parse_plain_query(query);
    if (!parsed)
        return false;
    plain = *parsed;
    const std::size_t type_at = plain.question_end - 4;
    key_.resize(plain.question_end - header_size + 1);
    for (std::size_t i = header_size; i < type_at; ++i)
        key_[i - header_size] = lower(query[i]);
    std::copy(query.begin() + static_cast<std::ptrdiff_t>(type_at),
              query.begin() + static_cast<std::ptrdiff_t>(plain.question_end),
              key_.begin() + static_cast<std::ptrdiff_t>(type_at - header_size));
    key_.back() = plain.edns ? 1 : 0;
    return true;
}

bool ReplyCache::lookup(std::span<const std::uint8_t> query, Instant now, std::vector<std::uint8_t>& out)
{
    PlainQuery plain;
    if (!make_key(query, plain))
        return false;
    auto it = entries_.find(key_);
    if (it == entries_.end())
        return false;
    Entry& e = it->second;
    const auto age =
        now > e.stored
            ? static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(now - e.stored).count())
            : 0;
    if (age >= e.lifetime) {
        bytes_ -= cost(it->first, e);
        entries_.erase(it);
        return false;
    }
    if (e.wire.size() > plain.max_udp)
        return false;  // the slow path truncates it to the client's size
    if (age != e.aged) {
        e.aged = static_cast<std::uint32_t>(age);
        for (std::size_t i = 0; i < e.ttl_at.size(); ++i) {
            const std::uint32_t ttl = e.ttl[i] - e.aged;  // every TTL is at least `lifetime`
            std::uint8_t* p = e.wire.data() + e.ttl_at[i];
            p[0] = static_cast<std::uint8_t>(ttl >> 24);
            p[1] = static_cast<std::uint8_t>(ttl >> 16);
            p[2] = static_cast<std::uint8_t>(ttl >> 8);
            p[3] = static_cast<std::uint8_t>(ttl);
        }
    }
    out.assign(e.wire.begin(), e.wire.end());
    out[0] = query[0];  // the id
    out[1] = query[1];
    out[2] = static_cast<std::uint8_t>((out[2] & ~0x01) | (query[2] & 0x01));  // RD copied
    out[3] = static_cast<std::uint8_t>((out[3] & ~0x10) | (query[3] & 0x10));  // CD copied
    std::copy(query.begin() + header_size, query.begin() + static_cast<std::ptrdiff_t>(plain.question_end),
              out.begin() + header_size);  // the question as the client spelled it
    return true;
}

void ReplyCache::store(std::span<const std::uint8_t> query, std::span<const std::uint8_t> reply, Instant now)
{
    PlainQuery plain;
    if (!make_key(query, plain))
        return;
    if (reply.size() < plain.question_end || reply.size() > limits_.max_reply_bytes)
        return;
    const std::uint8_t rcode = reply[3] & 0x0f;
    if ((reply[2] & 0x80) == 0 || (reply[2] & 0x02) != 0 || (rcode != 0 && rcode != 3))
        return;  // a query, a truncated reply, or an error (SERVFAIL is not cached: RFC 2308 §7.1)
    if (u16_at(reply, 4) != 1)
        return;
    // The reply's question must be the query's (any spelling): the hit copies the query's over it.
    for (std::size_t i = header_size; i < plain.question_end; ++i)
        if (lower(reply[i]) != lower(query[i]))
            return;
    Entry e;
    e.lifetime = UINT32_MAX;
    std::size_t at = plain.question_end;
    const std::size_t records = std::size_t{u16_at(reply, 6)} + u16_at(reply, 8) + u16_at(reply, 10);
    for (std::size_t i = 0; i < records; ++i) {
        at = skip_name(reply, at);
        if (at == 0 || at + 10 > reply.size())
            return;
        const std::size_t next = at + 10 + u16_at(reply, at + 8);
        if (next > reply.size())
            return;
        if (u16_at(reply, at) != opt_type) {
            const std::uint32_t ttl = u32_at(reply, at + 4);
            e.ttl_at.push_back(static_cast<std::uint16_t>(at + 4));
            e.ttl.push_back(ttl);
            e.lifetime = std::min(e.lifetime, ttl);
        }
        at = next;
    }
    if (at != reply.size() || e.ttl.empty() || e.lifetime == 0)
        return;  // nothing that ages (a bare NODATA without SOA), or nothing to cache at all
    e.wire.assign(reply.begin(), reply.end());
    e.stored = now;
    const std::size_t added = cost(key_, e);
    if (auto old = entries_.find(key_); old != entries_.end()) {
        bytes_ -= cost(old->first, old->second);
        entries_.erase(old);
    }
    if (entries_.size() >= limits_.max_entries || bytes_ + added > limits_.max_bytes) {
        std::erase_if(entries_, [&](const auto& kv) {
            if (now - kv.second.stored < std::chrono::seconds(kv.second.lifetime))
                return false;
            bytes_ -= cost(kv.first, kv.second);
            return true;
        });
        if (entries_.size() >= limits_.max_entries || bytes_ + added > limits_.max_bytes)
            clear();  // cheap, bounded, and no attacker picks what stays
    }
    if (added > limits_.max_bytes)
        return;
    bytes_ += added;
    entries_.emplace(key_, std::move(e));
}

}  // namespace layer7::dns::resolver
