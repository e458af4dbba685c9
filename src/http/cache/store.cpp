// The cache store: see store.hpp.
#include "http/cache/store.hpp"

#include "core/fs/write_all.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace layer7::http::cache {

namespace {

constexpr std::string_view suffix = ".entry";

std::optional<std::string> read_file(const core::Root& root, const std::string& name, std::size_t limit)
{
    const int fd = root.open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return std::nullopt;
    std::string data;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        data.append(buf, static_cast<std::size_t>(n));
        if (data.size() >= limit)
            break;
    }
    ::close(fd);
    return data;
}

}  // namespace

std::string entry_file_name(std::string_view key)
{
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char c : key) {
        h ^= c;
        h *= 0x100000001b3ull;
    }
    static const char* hex = "0123456789abcdef";
    std::string name(16, '0');
    for (int i = 15; i >= 0; --i, h >>= 4)
        name[static_cast<std::size_t>(i)] = hex[h & 15];
    return name + std::string(suffix);
}

Store::Store(StoreOptions options) : options_(std::move(options))
{
    if (options_.dir.empty())
        return;
    std::filesystem::create_directories(options_.dir);
    root_ = std::make_unique<core::Root>(options_.dir);
    load_index();
}

Store::~Store() = default;

void Store::load_index()
{
    namespace fs = std::filesystem;
    struct Found {
        std::string file, key, primary;
        std::uint64_t size;
        fs::file_time_type mtime;
    };
    std::vector<Found> found;
    for (const auto& de : fs::directory_iterator(options_.dir)) {
        const std::string name = de.path().filename().string();
        if (name.starts_with(".layer7-tmp.")) {  // a write that never reached its rename
            std::error_code ec;
            fs::remove(de.path(), ec);
            continue;
        }
        if (!name.ends_with(suffix) || !de.is_regular_file())
            continue;
        // The whole file is read once to check it decodes; a corrupt one is removed.
        auto data = read_file(*root_, name, options_.limits.max_body + options_.limits.max_head + 512);
        auto entry = data ? decode_entry(*data, options_.limits) : std::nullopt;
        if (!entry || entry_file_name(entry->key) != name) {
            root_->remove(name, false);
            continue;
        }
        found.push_back({name, entry->key, entry->primary, entry->cost(), de.last_write_time()});
        vary_[entry->primary] = entry->vary;
    }
    // Oldest first, so pushing each to the front leaves the newest most recently used.
    std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) { return a.mtime < b.mtime; });
    for (auto& f : found) {
        Item& item = items_[f.key];
        item.key = f.key;
        item.primary = f.primary;
        item.file = f.file;
        item.size = f.size;
        disk_lru_.push_front(&item);
        item.disk_at = disk_lru_.begin();
        item.memory_at = memory_lru_.end();
        file_owner_[f.file] = f.key;
        bytes_ += f.size;
    }
    loaded_ = found.size();
    evict();
}

void Store::touch(Item& item)
{
    disk_lru_.splice(disk_lru_.begin(), disk_lru_, item.disk_at);
    if (item.hot)
        memory_lru_.splice(memory_lru_.begin(), memory_lru_, item.memory_at);
}

void Store::make_hot(Item& item, std::shared_ptr<const Entry> entry)
{
    if (item.hot) {
        memory_bytes_ -= item.size;
        memory_lru_.erase(item.memory_at);
    }
    item.hot = std::move(entry);
    memory_lru_.push_front(&item);
    item.memory_at = memory_lru_.begin();
    memory_bytes_ += item.size;
}

std::shared_ptr<const Entry> Store::find(const std::string& key)
{
    std::string file;
    {
        std::lock_guard lock(mutex_);
        auto it = items_.find(key);
        if (it == items_.end())
            return nullptr;
        touch(it->second);
        if (it->second.hot)
            return it->second.hot;
        file = it->second.file;
    }
    // A disk hit: read outside the lock so other lookups go on meanwhile.
    auto data = read_file(*root_, file, options_.limits.max_body + options_.limits.max_head + 512);
    auto entry = data ? decode_entry(*data, options_.limits) : std::nullopt;
    std::lock_guard lock(mutex_);
    auto it = items_.find(key);
    if (!entry || entry->key != key) {
        if (it != items_.end() && it->second.file == file)
            drop(key);
        return nullptr;
    }
    auto shared = std::make_shared<const Entry>(std::move(*entry));
    if (it != items_.end() && !it->second.hot) {
        make_hot(it->second, shared);
        evict();
    }
    return shared;
}

std::optional<std::vector<std::string>> Store::vary_of(const std::string& primary) const
{
    std::lock_guard lock(mutex_);
    auto it = vary_.find(primary);
    if (it == vary_.end())
        return std::nullopt;
    return it->second;
}

std::error_code Store::put(std::shared_ptr<const Entry> entry)
{
    const std::string file = entry_file_name(entry->key);
    if (root_) {
        // Durable before it is indexed: temp file, fsync, rename (Root::replace).
        const std::string bytes = encode_entry(*entry);
        if (auto ec = root_->replace(file, [&](int fd) { return !core::write_all(fd, bytes); }))
            return ec;
    }
    std::lock_guard lock(mutex_);
    if (root_) {
        if (auto owner = file_owner_.find(file); owner != file_owner_.end() && owner->second != entry->key)
            drop(owner->second);  // a hash collision: the older key lost its file
        file_owner_[file] = entry->key;
    }
    auto [it, inserted] = items_.try_emplace(entry->key);
    Item& item = it->second;
    if (inserted) {
        item.key = entry->key;
        disk_lru_.push_front(&item);
        item.disk_at = disk_lru_.begin();
        item.memory_at = memory_lru_.end();
    } else {
        bytes_ -= item.size;
        if (item.hot)
            memory_bytes_ -= item.size;
        touch(item);
        if (item.hot) {
            memory_lru_.erase(item.memory_at);
            item.hot.reset();
        }
    }
    item.primary = entry->primary;
    item.file = file;
    item.size = entry->cost();
    bytes_ += item.size;
    vary_[entry->primary] = entry->vary;
    make_hot(item, std::move(entry));
    evict();
    return {};
}

void Store::erase(const std::string& key)
{
    std::lock_guard lock(mutex_);
    drop(key);
}

void Store::drop(const std::string& key)
{
    auto it = items_.find(key);
    if (it == items_.end())
        return;
    Item& item = it->second;
    disk_lru_.erase(item.disk_at);
    if (item.hot) {
        memory_lru_.erase(item.memory_at);
        memory_bytes_ -= item.size;
    }
    bytes_ -= item.size;
    if (root_) {
        root_->remove(item.file, false);
        file_owner_.erase(item.file);
    }
    items_.erase(it);
}

void Store::evict()
{
    while (bytes_ > options_.max_bytes && !disk_lru_.empty())
        drop(disk_lru_.back()->key);
    if (!root_)
        return;  // without a disk, memory is the store and max_bytes its limit
    while (memory_bytes_ > options_.max_memory && !memory_lru_.empty()) {
        Item* item = memory_lru_.back();
        memory_lru_.pop_back();
        memory_bytes_ -= item->size;
        item->hot.reset();
        item->memory_at = memory_lru_.end();
    }
}

StoreStats Store::stats() const
{
    std::lock_guard lock(mutex_);
    return {items_.size(), bytes_, memory_bytes_, loaded_};
}

}  // namespace layer7::http::cache
