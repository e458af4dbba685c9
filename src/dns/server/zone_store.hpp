// The zones being served, shared by the workers, and one worker's view of them with the replies it
// built from them. Pure: atomics only, no I/O.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "dns/server/answer_cache.hpp"
#include "dns/zone/zone.hpp"

namespace layer7::dns {

// Readers take a snapshot, set() swaps in a new set. A reload, an UPDATE and a zone transfer all
// replace the set through set(), which is what invalidates the workers' held replies.
class ZoneStore {
public:
    explicit ZoneStore(std::shared_ptr<const ZoneSet> zones) : zones_(std::move(zones)) {}
    std::shared_ptr<const ZoneSet> get() const { return zones_.load(std::memory_order_acquire); }
    void set(std::shared_ptr<const ZoneSet> zones)
    {
        zones_.store(std::move(zones), std::memory_order_release);
        generation_.fetch_add(1, std::memory_order_release);
    }
    // Bumped by set(): a worker re-reads the pointer only when this changed (one load a query).
    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

private:
    std::atomic<std::shared_ptr<const ZoneSet>> zones_;
    std::atomic<std::uint64_t> generation_{0};
};

// One worker's snapshot of the zones and its cache of the replies built from that snapshot.
class HeldAnswers {
public:
    explicit HeldAnswers(const ZoneStore& store, AnswerCacheLimits limits = {})
        : cache(limits), store_(store), generation_(store.generation()), zones_(store.get())
    {
    }

    // The zones to answer from, called before each query: when the store has a new set since the last
    // call, that one, and every held reply goes (they were built from the old zones).
    const ZoneSet& zones()
    {
        if (const std::uint64_t now = store_.generation(); now != generation_) {
            generation_ = now;
            zones_ = store_.get();
            cache.clear();
        }
        return *zones_;
    }

    AnswerCache cache;

private:
    const ZoneStore& store_;
    std::uint64_t generation_;
    std::shared_ptr<const ZoneSet> zones_;
};

}  // namespace layer7::dns
