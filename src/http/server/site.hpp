// Site: one document root served as files — GET/HEAD with validators, conditional requests,
// ranges and gzip; PUT/DELETE when writable; directory index or listing. Small files are kept
// in a per-worker memory cache revalidated at most once a second (as nginx's open_file_cache).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/fs/beneath.hpp"
#include "core/net/worker_slots.hpp"
#include "http/message/message.hpp"
#include "http/server/reply.hpp"

namespace layer7::http {

struct CacheRule {
    std::string prefix;         // URL path prefix, e.g. "/images/"
    std::uint32_t max_age = 0;  // Cache-Control: max-age for responses under it
};

struct SiteOptions {
    bool writable = false;  // PUT and DELETE allowed
    bool gzip = true;       // compress compressible types when the client accepts gzip
    bool listings = true;   // HTML listing for a directory without index.html
    // DASH live publishing: a PUT of a manifest (.mpd) removes the media segments beside it older
    // than this (live_window.hpp); zero keeps everything.
    std::chrono::seconds live_window{0};
    std::vector<CacheRule> cache_rules;  // longest prefix wins
    // 103 Early Hints (RFC 8297): for a page at `path` (site-relative, e.g. "/"), Link values sent
    // ahead of its 200 so the browser starts fetching what the page needs.
    std::map<std::string, std::vector<std::string>> early_hints;
};

class Site {
public:
    // Throws std::system_error when `root_dir` is not a directory.
    Site(const std::string& root_dir, SiteOptions options);

    // `path` is the decoded, normalised URL path (starts with '/'); `query` is the raw query.
    // `now` is the wall clock for the file cache's revalidation; the cache is `worker`'s, shared by
    // every Site on it.
    Reply get(const Request& request, std::string_view path, std::string_view query,
              std::chrono::steady_clock::time_point now, core::WorkerSlots& worker) const;
    // PUT and DELETE honour If-Match / If-None-Match / If-Unmodified-Since (412 otherwise).
    Reply put(const Request& request, std::string_view path, std::string_view body) const;
    Reply remove(const Request& request, std::string_view path) const;

    bool writable() const { return options_.writable; }
    // The Link values to announce before the page at `path`, or null.
    const std::vector<std::string>* early_hints(std::string_view path) const
    {
        const auto it = options_.early_hints.find(std::string(path));
        return it == options_.early_hints.end() ? nullptr : &it->second;
    }
    const std::string& root_dir() const { return root_.path(); }

private:
    Reply serve_directory(const Request& request, std::string_view path, std::string_view query,
                          std::chrono::steady_clock::time_point now, core::WorkerSlots& worker) const;
    void add_cache_control(Reply& reply, std::string_view path) const;
    // Removes the segments in `manifest`'s directory that fell out of the live window.
    void expire_segments(const std::string& manifest) const;

    core::Root root_;
    SiteOptions options_;
    // Bumped by every PUT/DELETE so the file caches of all workers notice at once.
    mutable std::atomic<std::uint64_t> generation_{0};
};

// Whether Accept-Encoding allows gzip (a `gzip` or `*` coding with q > 0).
bool accepts_gzip(std::string_view accept_encoding);

}  // namespace layer7::http
