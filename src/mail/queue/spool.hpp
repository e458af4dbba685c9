// mail::Spool: the durable queue under DATA/queue (STYLE.md §11, like Postfix's incoming/).
// store() writes a temp file beside its final name, fsyncs it, renames it into incoming/ and
// fsyncs incoming/ — only then does it return the queue id, so "250 Ok: queued" is never a lie.
// Delivery state lives in deferred/ID, replaced atomically after each attempt.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "core/result.hpp"
#include "mail/queue/queue_file.hpp"

namespace layer7::core {
class Root;
}

namespace layer7::mail {

class Spool {
public:
    // Creates dir/incoming and dir/deferred if needed and drops stale temp files of a crash.
    // Throws std::system_error when the directory cannot be made or opened (a start-up failure).
    explicit Spool(const std::string& dir);
    ~Spool();
    Spool(const Spool&) = delete;

    const std::string& dir() const { return dir_; }

    // Durable store; the id is returned only after the fsync'ed rename (and directory fsync).
    core::Result<std::string, std::error_code> store(const smtp::Envelope& envelope, std::int64_t arrival) const;
    // Reads incoming/ID.
    core::Result<QueuedMessage, std::error_code> load(std::string_view id) const;
    // Reads deferred/ID; a message never attempted yet has the initial state.
    core::Result<QueueState, std::error_code> load_state(const QueuedMessage& message) const;
    // Replaces deferred/ID atomically (temp, fsync, rename).
    std::error_code save_state(std::string_view id, const QueueState& state) const;
    // Forgets a message: deferred/ID, then incoming/ID.
    std::error_code remove(std::string_view id) const;
    // Every id in incoming/, oldest first (ids sort by time).
    core::Result<std::vector<std::string>, std::error_code> scan() const;

    // A fresh id: microseconds since the epoch and a per-process counter, in upper-case hex.
    static std::string make_id(std::int64_t micros);

private:
    std::string dir_;
    std::unique_ptr<core::Root> root_;
};

}  // namespace layer7::mail
