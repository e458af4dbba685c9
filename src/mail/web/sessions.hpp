// Web mail's logins (pure; time and randomness are passed in, the handler holds the lock): the
// session table behind the cookie, the per-session CSRF token every POST must carry, and the
// throttle that slows down and then locks out password guessing per login name and per client.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace layer7::mail::web {

using Clock = std::chrono::system_clock;
using Time = std::chrono::sys_seconds;

struct WebSession {
    std::string id;     // the cookie value
    std::string csrf;   // hidden field of every form
    std::string login;  // as typed (for the page header)
    std::string domain, user;
    Time created{}, last_seen{};
};

struct SessionLimits {
    std::chrono::seconds idle{30 * 60};
    std::chrono::seconds absolute{12 * 3600};
    std::size_t max_sessions = 10000;  // beyond: the least recently seen goes
};

class SessionStore {
public:
    // `token` returns a fresh unguessable string (the shell uses the OpenSSL RNG).
    explicit SessionStore(std::function<std::string()> token, SessionLimits limits = {})
        : token_(std::move(token)), limits_(limits)
    {
    }

    WebSession create(std::string login, std::string domain, std::string user, Time now);
    // The live session with this id (its last_seen moved to `now`), or nullopt (unknown, expired).
    std::optional<WebSession> find(std::string_view id, Time now);
    // The same without moving last_seen: an open push stream is not the user at work.
    std::optional<WebSession> peek(std::string_view id, Time now) const;
    void remove(std::string_view id);
    std::size_t size() const { return sessions_.size(); }
    // A token for a form shown before login (the login form's CSRF pair, double-submitted).
    std::string token() { return token_(); }

private:
    bool expired(const WebSession& s, Time now) const;

    std::function<std::string()> token_;
    SessionLimits limits_;
    std::unordered_map<std::string, WebSession> sessions_;
};

// Constant-time comparison of a submitted token with the expected one; an empty one never matches.
bool same_token(std::string_view submitted, std::string_view expected);

struct ThrottlePolicy {
    std::size_t free_failures = 3;           // before any lock-out
    std::chrono::seconds window{15 * 60};    // failures older than this are forgotten
    std::chrono::seconds first_lockout{30};  // doubled per further failure
    std::chrono::seconds max_lockout{15 * 60};
    std::size_t max_keys = 100000;  // memory bound; expired entries go first
};

// Counts failed logins per key (the handler uses both "login:NAME" and "peer:ADDRESS").
class LoginThrottle {
public:
    explicit LoginThrottle(ThrottlePolicy policy = {}) : policy_(policy) {}
    // Seconds until `key` may try again; 0 when it may now.
    std::chrono::seconds retry_after(const std::string& key, Time now) const;
    void failed(const std::string& key, Time now);
    void succeeded(const std::string& key) { entries_.erase(key); }
    std::size_t size() const { return entries_.size(); }

private:
    struct Entry {
        std::size_t failures = 0;
        Time last{};
        Time locked_until{};
    };
    void evict(Time now);

    ThrottlePolicy policy_;
    std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace layer7::mail::web
