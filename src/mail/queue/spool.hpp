// mail::Spool: the durable queue under DATA/queue (STYLE.md §11, like Postfix's incoming/).
// A message is written into a temp file beside its final name as it arrives (Incoming), then
// fsync'ed, renamed into incoming/ and incoming/ fsync'ed — only then is it queued, so "250 Ok:
// queued" is never a lie. Delivery state lives in deferred/ID, replaced atomically after each attempt.
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

// One message being written into the spool as it arrives: a hidden temp file in incoming/ holding
// the envelope, then the content appended piece by piece. Dropped before commit(), it removes its
// file, so a message that was not acknowledged leaves nothing behind. Blocking file I/O throughout.
class Incoming {
public:
    ~Incoming();
    Incoming(const Incoming&) = delete;

    const std::string& id() const { return id_; }
    std::size_t size() const { return size_; }  // content bytes appended
    std::error_code append(std::string_view bytes);
    // Writes the content's size into the head, fsyncs, renames into incoming/ID, fsyncs incoming/.
    std::error_code commit();
    // The content appended so far, read back (for mail delivered without ever being queued).
    core::Result<std::string, std::error_code> read_content() const;

private:
    friend class Spool;
    struct File;
    Incoming(std::string id, std::unique_ptr<File> file, std::size_t head_size);

    std::string id_;
    std::unique_ptr<File> file_;  // null once committed
    std::size_t head_size_ = 0;
    std::size_t size_ = 0;
};

class Spool {
public:
    // Creates dir/incoming and dir/deferred if needed and drops stale temp files of a crash.
    // Throws std::system_error when the directory cannot be made or opened (a start-up failure).
    explicit Spool(const std::string& dir);
    ~Spool();
    Spool(const Spool&) = delete;

    const std::string& dir() const { return dir_; }

    // Starts a message with a fresh id; its content follows through Incoming::append.
    core::Result<std::unique_ptr<Incoming>, std::error_code> open(const Envelope& envelope, std::int64_t arrival) const;
    // A whole message at once; the id is returned only after the fsync'ed rename (and directory fsync).
    core::Result<std::string, std::error_code> store(const Envelope& envelope, std::string_view content,
                                                     std::int64_t arrival) const;
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
