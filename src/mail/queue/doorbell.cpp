// Doorbell: see doorbell.hpp. Directories are compared by their canonical path, so "./data/queue"
// and "/abs/data/queue" ring the same bell.
#include "mail/queue/doorbell.hpp"

#include <filesystem>
#include <map>
#include <mutex>

namespace layer7::mail {
namespace {

struct Bells {
    std::mutex mutex;
    std::map<std::string, Doorbell::Listener> listeners;
};

Bells& bells()
{
    static Bells b;
    return b;
}

std::string key_of(const std::string& dir)
{
    std::error_code ec;
    auto path = std::filesystem::weakly_canonical(dir, ec);
    return ec ? dir : path.string();
}

}  // namespace

std::shared_ptr<void> Doorbell::listen(const std::string& dir, Listener listener)
{
    const std::string key = key_of(dir);
    {
        std::lock_guard lock(bells().mutex);
        bells().listeners[key] = std::move(listener);
    }
    return std::shared_ptr<void>(nullptr, [key](void*) {
        std::lock_guard lock(bells().mutex);
        bells().listeners.erase(key);
    });
}

bool Doorbell::ring(const std::string& dir, const std::string& id)
{
    const std::string key = key_of(dir);
    std::lock_guard lock(bells().mutex);
    auto it = bells().listeners.find(key);
    if (it == bells().listeners.end())
        return false;
    it->second(id);
    return true;
}

}  // namespace layer7::mail
