// Doorbell: see doorbell.hpp. Directories are compared by their canonical path, so "./data/queue"
// and "/abs/data/queue" ring the same bell.
#include "mail/queue/doorbell.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>

namespace layer7::mail {
namespace {

struct Registered {
    std::uint64_t token;  // which listen() put it there: a replaced listener's handle must not remove its successor
    Doorbell::Listener listener;
};

struct Bells {
    std::mutex mutex;
    std::uint64_t next_token = 1;
    std::map<std::string, Registered> listeners;
    std::map<std::string, std::string> keys;  // directory as given → its key: weakly_canonical stats
                                              // every component, too dear for every queued message
};

Bells& bells()
{
    static Bells b;
    return b;
}

// Called under bells().mutex.
const std::string& key_of(const std::string& dir)
{
    auto [it, fresh] = bells().keys.try_emplace(dir);
    if (fresh) {
        std::error_code ec;
        auto path = std::filesystem::weakly_canonical(dir, ec);
        it->second = ec ? dir : path.string();
    }
    return it->second;
}

}  // namespace

std::shared_ptr<void> Doorbell::listen(const std::string& dir, Listener listener)
{
    std::string key;
    std::function<void()> replaced;
    std::uint64_t token = 0;
    {
        std::lock_guard lock(bells().mutex);
        key = key_of(dir);
        token = bells().next_token++;
        auto [it, fresh] = bells().listeners.try_emplace(key, Registered{token, listener});
        if (!fresh) {
            replaced = std::move(it->second.listener.replaced);
            it->second = Registered{token, std::move(listener)};
        }
    }
    if (replaced)
        replaced();
    return std::shared_ptr<void>(nullptr, [key, token](void*) {
        std::lock_guard lock(bells().mutex);
        if (auto it = bells().listeners.find(key); it != bells().listeners.end() && it->second.token == token)
            bells().listeners.erase(it);
    });
}

bool Doorbell::ring(const std::string& dir, const std::string& id)
{
    std::lock_guard lock(bells().mutex);
    auto it = bells().listeners.find(key_of(dir));
    if (it == bells().listeners.end())
        return false;
    it->second.listener.ring(id);
    return true;
}

}  // namespace layer7::mail
