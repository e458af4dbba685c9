// The textbook's cookie example: a server-side table of sessions, each found by the id the
// server sent in Set-Cookie and the browser returns in Cookie. Thread-safe; time is passed in.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace layer7::http {

struct Visit {
    std::string id;       // the session id (new or recognised)
    std::uint64_t count;  // visits including this one
    bool is_new;          // no valid cookie came with the request: send Set-Cookie
};

class SessionTable {
public:
    // `make_id` returns a fresh unguessable id (the shell uses the OpenSSL RNG).
    SessionTable(std::function<std::string()> make_id, std::size_t max_sessions = 100000,
                 std::chrono::seconds idle_expiry = std::chrono::hours(24))
        : make_id_(std::move(make_id)), max_sessions_(max_sessions), idle_expiry_(idle_expiry)
    {
    }

    // Records a visit by the holder of `cookie_id` (if any) at `now`.
    Visit visit(std::optional<std::string_view> cookie_id, std::chrono::sys_seconds now);
    std::size_t size() const;

private:
    struct Session {
        std::uint64_t count = 0;
        std::chrono::sys_seconds last_seen{};
    };
    void evict(std::chrono::sys_seconds now);

    std::function<std::string()> make_id_;
    std::size_t max_sessions_;
    std::chrono::seconds idle_expiry_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Session> sessions_;
};

}  // namespace layer7::http
