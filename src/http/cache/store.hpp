// The cache store: a memory LRU of decoded entries over an on-disk store (one file per entry,
// written temp → fsync → rename, so a crash leaves the old entry or the new, never half of one).
// The index is rebuilt from the files at start-up: the cache survives a restart. Thread-safe.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "core/fs/beneath.hpp"
#include "http/cache/entry.hpp"

namespace layer7::http::cache {

struct StoreOptions {
    std::string dir;                       // empty: memory only
    std::uint64_t max_bytes = 256u << 20;  // the size limit: disk (or memory when there is no dir)
    std::uint64_t max_memory = 64u << 20;  // decoded entries kept in memory on top of the disk
    EntryLimits limits;
};

struct StoreStats {
    std::size_t entries = 0;
    std::uint64_t bytes = 0;         // on disk (or in memory without a dir)
    std::uint64_t memory_bytes = 0;  // decoded in memory
    std::size_t loaded = 0;          // entries found on disk at start-up
};

class Store {
public:
    // Creates `dir` if needed and indexes the entries in it. Throws std::system_error if unusable.
    explicit Store(StoreOptions options);
    ~Store();
    Store(const Store&) = delete;

    // The entry stored under `key` (memory first, then disk), or null.
    std::shared_ptr<const Entry> find(const std::string& key);
    // The Vary names last stored for a primary key; nullopt if nothing is stored under it.
    std::optional<std::vector<std::string>> vary_of(const std::string& primary) const;
    // Stores (or replaces) an entry; evicts least recently used ones beyond the limits.
    std::error_code put(std::shared_ptr<const Entry> entry);
    void erase(const std::string& key);
    StoreStats stats() const;

private:
    struct Item;
    using Lru = std::list<Item*>;
    struct Item {
        std::string key, primary, file;
        std::uint64_t size = 0;
        std::shared_ptr<const Entry> hot;  // decoded copy, when in memory
        Lru::iterator disk_at, memory_at;
    };
    void load_index();
    void touch(Item& item);
    void make_hot(Item& item, std::shared_ptr<const Entry> entry);
    void drop(const std::string& key);  // under the lock
    void evict();                       // under the lock

    StoreOptions options_;
    std::unique_ptr<core::Root> root_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Item> items_;
    std::unordered_map<std::string, std::string> file_owner_;  // file name → key (hash collisions)
    std::unordered_map<std::string, std::vector<std::string>> vary_;
    Lru disk_lru_, memory_lru_;  // front = most recently used
    std::uint64_t bytes_ = 0, memory_bytes_ = 0;
    std::size_t loaded_ = 0;
};

// The file name an entry is stored under: 16 hex digits of FNV-1a-64 of its key.
std::string entry_file_name(std::string_view key);

}  // namespace layer7::http::cache
