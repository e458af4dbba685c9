// The choker: see choker.hpp.
#include "torrent/choker.hpp"

#include <algorithm>

namespace layer7::torrent {

double Choker::rate(const ChokePeer& p, bool seeding, double seconds) const
{
    const auto it = at_last_rechoke_.find(p.key);
    const std::uint64_t before = it == at_last_rechoke_.end() ? 0 : (seeding ? it->second.second : it->second.first);
    const std::uint64_t now = seeding ? p.uploaded : p.downloaded;
    const auto bytes = static_cast<double>(now - std::min(now, before));
    return seconds > 0 ? bytes / seconds : bytes;  // the first rechoke: what each has sent so far
}

std::optional<ChokeDecision> Choker::tick(Clock::time_point now, const std::vector<ChokePeer>& peers, bool seeding)
{
    const auto is_interested = [&](PeerKey key) {
        return std::any_of(peers.begin(), peers.end(),
                           [&](const ChokePeer& p) { return p.key == key && p.interested; });
    };
    const auto is_chosen = [&](PeerKey key) {
        return std::find(regular_.begin(), regular_.end(), key) != regular_.end() || optimistic_ == key;
    };
    const bool rechoke_due = !last_rechoke_ || now - *last_rechoke_ >= config_.rechoke_interval;
    const bool optimistic_due = !last_optimistic_ || now - *last_optimistic_ >= config_.optimistic_interval;
    ChokeDecision decision;
    if (rechoke_due) {
        const double seconds = last_rechoke_ ? std::chrono::duration<double>(now - *last_rechoke_).count() : 0.0;
        std::vector<std::pair<double, PeerKey>> ranked;
        for (const auto& p : peers)
            if (p.interested)
                ranked.emplace_back(rate(p, seeding, seconds), p.key);
        // Fastest first; equal rates in random order, so ties do not always favour the same peer.
        std::shuffle(ranked.begin(), ranked.end(), random_);
        std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
        regular_.clear();
        for (std::size_t i = 0; i < ranked.size() && regular_.size() < config_.regular_slots; ++i)
            regular_.push_back(ranked[i].second);
        at_last_rechoke_.clear();
        for (const auto& p : peers)
            at_last_rechoke_[p.key] = {p.downloaded, p.uploaded};
        last_rechoke_ = now;
        decision.rechoke = true;
    } else {
        // Between rechokes: forget peers that left or lost interest, fill empty slots at once.
        std::erase_if(regular_, [&](PeerKey k) { return !is_interested(k); });
        for (const auto& p : peers)
            if (p.interested && regular_.size() < config_.regular_slots && !is_chosen(p.key))
                regular_.push_back(p.key);
    }
    if (optimistic_ &&
        (!is_interested(*optimistic_) || std::find(regular_.begin(), regular_.end(), *optimistic_) != regular_.end()))
        optimistic_.reset();  // gone, or earned a regular slot: choose another
    if (optimistic_due || !optimistic_) {
        // Rotate to another peer when there is one; the same one stays when it is the only choice.
        std::vector<PeerKey> candidates;
        for (const auto& p : peers)
            if (p.interested && std::find(regular_.begin(), regular_.end(), p.key) == regular_.end() &&
                p.key != optimistic_)
                candidates.push_back(p.key);
        if (!candidates.empty())
            optimistic_ = candidates[std::uniform_int_distribution<std::size_t>(0, candidates.size() - 1)(random_)];
        if (optimistic_due || optimistic_)
            last_optimistic_ = now;
    }
    std::vector<PeerKey> next = regular_;
    if (optimistic_)
        next.push_back(*optimistic_);
    if (!decision.rechoke && next == current_)
        return std::nullopt;
    current_ = next;
    decision.unchoked = std::move(next);
    decision.optimistic = optimistic_;
    return decision;
}

}  // namespace layer7::torrent
