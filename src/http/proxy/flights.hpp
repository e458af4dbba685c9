// Collapsed forwarding: while one request for a key is on its way to the origin, later misses for
// the same key wait for its outcome instead of sending their own (N misses → 1 origin fetch).
// Works across worker threads: each waiter resumes on its own executor.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/net/asio.hpp"
#include "http/cache/entry.hpp"

namespace layer7::http::proxy {

class Flight {
public:
    // Resumes when the leader finishes: the stored entry, or null when the response was not
    // storable (a private answer is never handed to another client) or the fetch failed.
    core::awaitable<std::shared_ptr<const cache::Entry>> wait();
    void finish(std::shared_ptr<const cache::Entry> entry);

private:
    std::mutex mutex_;
    bool done_ = false;
    std::shared_ptr<const cache::Entry> entry_;
    std::vector<std::function<void(std::shared_ptr<const cache::Entry>)>> waiters_;
};

class Flights {
public:
    // The flight for `key`, and whether the caller leads it (and must finish it).
    std::pair<std::shared_ptr<Flight>, bool> join(const std::string& key);
    // Ends the flight: later requests start a new one (or find the entry in the store).
    void finish(const std::string& key, const std::shared_ptr<Flight>& flight,
                std::shared_ptr<const cache::Entry> entry);

private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<Flight>> flights_;
};

}  // namespace layer7::http::proxy
