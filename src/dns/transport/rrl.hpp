// Response rate limiting against reflection/amplification (the BIND/NSD "RRL" idea): a token bucket
// per client prefix (/24 for IPv4, /56 for IPv6) and SLIP, answering every Nth dropped response
// truncated so a real client behind the prefix retries over TCP. Pure: the time is passed in.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "dns/wire/message.hpp"

namespace layer7::dns {

struct RrlConfig {
    double responses_per_second = 0;  // per prefix; 0 turns rate limiting off
    double burst = 0;                 // bucket depth; 0 means one second's worth
    unsigned slip = 2;                // every slip-th dropped reply goes out truncated; 0 never
    unsigned ipv4_prefix = 24;        // BIND's defaults
    unsigned ipv6_prefix = 56;
    std::size_t max_clients = 100'000;  // tracked prefixes before idle ones are swept
};

enum class RrlAction { send, drop, slip };

// The client prefix a limit applies to: family byte + address masked to the prefix length.
using RrlKey = std::array<std::uint8_t, 17>;
RrlKey rrl_key(std::span<const std::uint8_t> address, const RrlConfig& config);  // 4 or 16 octets

class RateLimiter {
public:
    explicit RateLimiter(RrlConfig config);
    bool enabled() const { return config_.responses_per_second > 0; }
    // One response about to be sent to `key` at `now` (seconds on a monotonic clock). Not
    // thread-safe: the shell guards it.
    RrlAction check(const RrlKey& key, double now);
    std::size_t tracked() const { return buckets_.size(); }  // prefixes in the table

private:
    struct Bucket {
        double tokens = 0;
        double last = 0;
        std::uint64_t dropped = 0;
    };
    struct KeyHash {
        std::size_t operator()(const RrlKey& k) const;
    };
    void sweep(double now);

    RrlConfig config_;
    double burst_;
    std::unordered_map<RrlKey, Bucket, KeyHash> buckets_;
};

// What the slip sends instead of the answer: header and question, TC=1 (the client retries on
// TCP), with our EDNS size `udp_size` when the query had EDNS.
std::vector<std::uint8_t> truncated_reply(const Message& query, std::uint16_t udp_size);

}  // namespace layer7::dns
