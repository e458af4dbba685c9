// Response rate limiting: see rrl.hpp.
#include "dns/transport/rrl.hpp"

#include <algorithm>

namespace layer7::dns {

RrlKey rrl_key(std::span<const std::uint8_t> address, const RrlConfig& config)
{
    RrlKey key{};
    key[0] = static_cast<std::uint8_t>(address.size());
    const unsigned bits = address.size() == 4 ? std::min(config.ipv4_prefix, 32u) : std::min(config.ipv6_prefix, 128u);
    for (std::size_t i = 0; i < address.size() && i < 16; ++i) {
        const unsigned first_bit = static_cast<unsigned>(i) * 8;
        if (first_bit >= bits)
            break;
        const unsigned keep = std::min(8u, bits - first_bit);
        key[i + 1] = static_cast<std::uint8_t>(address[i] & (0xff00u >> keep));
    }
    return key;
}

std::size_t RateLimiter::KeyHash::operator()(const RrlKey& k) const
{
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (auto b : k)
        h = (h ^ b) * 1099511628211ull;
    return static_cast<std::size_t>(h);
}

RateLimiter::RateLimiter(RrlConfig config)
    : config_(config), burst_(config.burst > 0 ? config.burst : std::max(1.0, config.responses_per_second))
{
}

void RateLimiter::sweep(double now)
{
    // A bucket that would be full again is the same as no bucket: forget it.
    const double refill = burst_ / config_.responses_per_second;
    std::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.last >= refill; });
    if (buckets_.size() >= config_.max_clients)
        buckets_.clear();  // a flood of distinct prefixes: fail open rather than grow
}

RrlAction RateLimiter::check(const RrlKey& key, double now)
{
    if (!enabled())
        return RrlAction::send;
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= config_.max_clients)
            sweep(now);
        it = buckets_.emplace(key, Bucket{burst_, now, 0}).first;
    }
    Bucket& b = it->second;
    if (now > b.last)
        b.tokens = std::min(burst_, b.tokens + (now - b.last) * config_.responses_per_second);
    b.last = std::max(b.last, now);
    if (b.tokens >= 1) {
        b.tokens -= 1;
        return RrlAction::send;
    }
    ++b.dropped;
    if (config_.slip > 0 && b.dropped % config_.slip == 0)
        return RrlAction::slip;
    return RrlAction::drop;
}

std::vector<std::uint8_t> truncated_reply(const Message& query, std::uint16_t udp_size)
{
    Message r;
    r.id = query.id;
    r.flags.qr = true;
    r.flags.opcode = query.flags.opcode;
    r.flags.rd = query.flags.opcode == Opcode::query && query.flags.rd;
    r.flags.tc = true;
    r.questions = query.questions;
    if (query.edns)
        r.edns = Edns{.udp_size = udp_size, .version = 0, .do_bit = query.edns->do_bit, .options = {}};
    return encode(r, 512);
}

}  // namespace layer7::dns
