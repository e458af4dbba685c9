// Tit-for-tat choking (BEP 3, the textbook's policy): every `rechoke_interval` the `regular_slots`
// interested peers that sent us the most since the last rechoke (that we sent the most to, when
// we are seeding) are unchoked; every `optimistic_interval` one more interested peer, chosen at
// random among the rest, is unchoked optimistically, so a newcomer can earn a slot. A slot left
// empty is filled as soon as a peer becomes interested, without waiting for the next rechoke
// (pure: time and byte counters passed in).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "torrent/piece_picker.hpp"

namespace layer7::torrent {

struct ChokerConfig {
    std::size_t regular_slots = 4;
    std::chrono::steady_clock::duration rechoke_interval = std::chrono::seconds(10);
    std::chrono::steady_clock::duration optimistic_interval = std::chrono::seconds(30);
};

struct ChokePeer {
    PeerKey key = 0;
    bool interested = false;       // the peer wants our data
    std::uint64_t downloaded = 0;  // bytes of blocks we got from it, in total
    std::uint64_t uploaded = 0;    // bytes of blocks we sent it, in total
};

struct ChokeDecision {
    std::vector<PeerKey> unchoked;  // the regular slots, fastest first, then the optimistic one
    std::optional<PeerKey> optimistic;
    bool rechoke = false;  // a full rechoke (rates recomputed), not a slot filled
};

class Choker {
public:
    using Clock = std::chrono::steady_clock;

    Choker(const ChokerConfig& config, std::uint64_t random_seed) : config_(config), random_(random_seed) {}

    // Called often (every second, and when a peer's interest changes); returns a decision when the
    // set of unchoked peers changes or a rechoke is due, nullopt otherwise.
    std::optional<ChokeDecision> tick(Clock::time_point now, const std::vector<ChokePeer>& peers, bool seeding);
    const std::vector<PeerKey>& unchoked() const { return current_; }

private:
    // Bytes per second since the previous rechoke, by the measure that matters now.
    double rate(const ChokePeer& p, bool seeding, double seconds) const;

    ChokerConfig config_;
    std::mt19937_64 random_;
    std::optional<Clock::time_point> last_rechoke_, last_optimistic_;
    std::vector<PeerKey> regular_;
    std::optional<PeerKey> optimistic_;
    std::vector<PeerKey> current_;
    std::map<PeerKey, std::pair<std::uint64_t, std::uint64_t>> at_last_rechoke_;  // downloaded, uploaded
};

}  // namespace layer7::torrent
