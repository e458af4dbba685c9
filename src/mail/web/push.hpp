// New mail without a reload (pure): which push streams (/mail/events, Server-Sent Events) may stay
// open, the event framing of the WHATWG HTML standard (§9.2 "Server-sent events"), and the stamp
// that tells the page its message list changed. The stream itself is push_stream.hpp.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::mail::web {

struct PushLimits {
    // A browser keeps one stream per open page, and a page left behind ends only when a write to
    // it fails: the newest stream of a session (or user) over the cap replaces the oldest.
    std::size_t per_session = 4;
    std::size_t per_user = 8;
    // Each stream holds an inotify instance (fs.inotify.max_user_instances is 128 by default,
    // shared with IMAP IDLE): over this the stream is refused and the page polls.
    std::size_t total = 64;
    std::chrono::seconds idle{300};      // no event this long: the stream ends (the browser reopens it)
    std::chrono::seconds heartbeat{15};  // a comment line this often finds a page that is gone
};

class PushRegistry {
public:
    explicit PushRegistry(PushLimits limits = {}) : limits_(limits) {}

    struct Opened {
        bool ok = false;                      // false: over `total`, nothing was replaced
        std::uint64_t id = 0;                 // for close()
        std::vector<std::uint64_t> replaced;  // streams to end now (their slots are already free)
    };
    Opened open(std::string_view session, std::string_view user);
    void close(std::uint64_t id) { streams_.erase(id); }
    std::size_t size() const { return streams_.size(); }

private:
    struct Entry {
        std::string session, user;
    };
    PushLimits limits_;
    std::uint64_t next_ = 1;
    std::map<std::uint64_t, Entry> streams_;  // by id: oldest first
};

// One event: "event: NAME", a "data:" line per line of `data`, then an empty line.
std::string sse_event(std::string_view name, std::string_view data);

// A digest of a folder's UIDVALIDITY, UIDNEXT and every message's uid and flags: it moves when
// mail arrives, goes, or is flagged or read elsewhere (FNV-1a, 64 bits, as hex).
class FolderStamp {
public:
    void add(std::uint64_t number);
    void add(std::string_view text);
    std::string hex() const;

private:
    std::uint64_t hash_ = 14695981039346656037ull;
};

}  // namespace layer7::mail::web
