// The index's shared state across worker threads: the pure Directory and the outbox of every
// connection, behind one lock (registrations and presence are rare next to a lock's cost).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "im/im.hpp"
#include "im/index_session.hpp"

namespace layer7::im {

class Outbox;

class Index {
public:
    explicit Index(const Config& config);

    const Config& config() const { return config_; }
    // The directory, for sessions; touch it only inside locked().
    Directory& directory() { return directory_; }
    // Runs `f` under the index's lock and returns what it returns.
    template <class F>
    auto locked(F&& f)
    {
        std::lock_guard lock(mutex_);
        return f();
    }
    // Inside locked(): `step.wire` to session `self`, the pushes to theirs.
    void deliver(SessionId self, IndexStep& step);

    SessionId attach(std::shared_ptr<Outbox> outbox);
    void detach(SessionId id);
    std::size_t online() const;

private:
    const Config& config_;
    mutable std::mutex mutex_;
    Directory directory_;
    std::map<SessionId, std::shared_ptr<Outbox>> outboxes_;
    SessionId next_id_ = 1;
};

}  // namespace layer7::im
