// Session table: see sessions.hpp.
#include "http/server/sessions.hpp"

namespace layer7::http {

Visit SessionTable::visit(std::optional<std::string_view> cookie_id, std::chrono::sys_seconds now)
{
    std::lock_guard lock(mutex_);
    if (cookie_id) {
        auto it = sessions_.find(std::string(*cookie_id));
        if (it != sessions_.end() && now - it->second.last_seen < idle_expiry_) {
            it->second.last_seen = now;
            return {it->first, ++it->second.count, false};
        }
    }
    if (sessions_.size() >= max_sessions_)
        evict(now);
    std::string id = make_id_();
    sessions_[id] = Session{1, now};
    return {id, 1, true};
}

void SessionTable::evict(std::chrono::sys_seconds now)
{
    std::erase_if(sessions_, [&](const auto& kv) { return now - kv.second.last_seen >= idle_expiry_; });
    // Still full: a flood of cookie-less clients. Drop the least recently seen to make room.
    while (sessions_.size() >= max_sessions_) {
        auto oldest = sessions_.begin();
        for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
            if (it->second.last_seen < oldest->second.last_seen)
                oldest = it;
        sessions_.erase(oldest);
    }
}

std::size_t SessionTable::size() const
{
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace layer7::http
