// Web mail's logins: see sessions.hpp.
#include "mail/web/sessions.hpp"

#include <algorithm>

namespace layer7::mail::web {

bool SessionStore::expired(const WebSession& s, Time now) const
{
    return now - s.last_seen >= limits_.idle || now - s.created >= limits_.absolute;
}

WebSession SessionStore::create(std::string login, std::string domain, std::string user, Time now)
{
    if (sessions_.size() >= limits_.max_sessions) {
        for (auto it = sessions_.begin(); it != sessions_.end();)
            it = expired(it->second, now) ? sessions_.erase(it) : std::next(it);
        while (sessions_.size() >= limits_.max_sessions) {
            auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
                return a.second.last_seen < b.second.last_seen;
            });
            sessions_.erase(oldest);
        }
    }
    WebSession s{token_(), token_(), std::move(login), std::move(domain), std::move(user), now, now};
    sessions_[s.id] = s;
    return s;
}

std::optional<WebSession> SessionStore::find(std::string_view id, Time now)
{
    auto it = sessions_.find(std::string(id));
    if (it == sessions_.end())
        return std::nullopt;
    if (expired(it->second, now)) {
        sessions_.erase(it);
        return std::nullopt;
    }
    it->second.last_seen = now;
    return it->second;
}

std::optional<WebSession> SessionStore::peek(std::string_view id, Time now) const
{
    auto it = sessions_.find(std::string(id));
    if (it == sessions_.end() || expired(it->second, now))
        return std::nullopt;
    return it->second;
}

void SessionStore::remove(std::string_view id)
{
    sessions_.erase(std::string(id));
}

bool same_token(std::string_view submitted, std::string_view expected)
{
    if (expected.empty() || submitted.size() != expected.size())
        return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < expected.size(); ++i)
        diff |= static_cast<unsigned char>(submitted[i] ^ expected[i]);
    return diff == 0;
}

std::chrono::seconds LoginThrottle::retry_after(const std::string& key, Time now) const
{
    auto it = entries_.find(key);
    if (it == entries_.end() || it->second.locked_until <= now)
        return std::chrono::seconds{0};
    return it->second.locked_until - now;
}

void LoginThrottle::failed(const std::string& key, Time now)
{
    if (!entries_.contains(key) && entries_.size() >= policy_.max_keys)
        evict(now);
    Entry& e = entries_[key];
    if (now - e.last >= policy_.window)
        e.failures = 0;
    e.last = now;
    ++e.failures;
    if (e.failures > policy_.free_failures) {
        const std::size_t doublings = std::min<std::size_t>(e.failures - policy_.free_failures - 1, 20);
        const auto lockout =
            std::min<std::chrono::seconds>(policy_.first_lockout * (1LL << doublings), policy_.max_lockout);
        e.locked_until = now + lockout;
    }
}

void LoginThrottle::evict(Time now)
{
    for (auto it = entries_.begin(); it != entries_.end();)
        it = now - it->second.last >= policy_.window && it->second.locked_until <= now ? entries_.erase(it)
                                                                                       : std::next(it);
    while (entries_.size() >= policy_.max_keys) {
        auto oldest = std::min_element(entries_.begin(), entries_.end(),
                                       [](const auto& a, const auto& b) { return a.second.last < b.second.last; });
        entries_.erase(oldest);
    }
}

}  // namespace layer7::mail::web
