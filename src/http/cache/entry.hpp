// A stored response (RFC 9111 §3) and its file format: the key, the times needed for §4.2.3,
// the head and the body, encoded so a restart finds the cache as it was. Pure.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/cache/freshness.hpp"
#include "http/message/message.hpp"

namespace layer7::http::cache {

struct Entry {
    std::string key;                // full key: primary + Vary values
    std::string primary;            // method + URL
    std::vector<std::string> vary;  // the field names of the response's Vary
    Response response;              // head as stored (hop-by-hop fields already removed)
    std::shared_ptr<const std::string> body = std::make_shared<const std::string>();
    Time request_time{};   // §4.2.3 request_time: when our request went out
    Time response_time{};  // §4.2.3 response_time: when its response arrived

    // Bytes this entry costs in memory and on disk (roughly: head + body + key).
    std::size_t cost() const { return key.size() + response.fields.storage_bytes() + body->size() + 64; }
};

struct EntryLimits {
    std::size_t max_head = 64 * 1024;  // key + fields: as the h1 parser's field-section limit
    std::size_t max_body = 64u << 20;  // the largest object a cache file may hold
};

// "L7CACHE1\n" + a line of lengths + key, primary, Vary names, reason, fields and body.
std::string encode_entry(const Entry& entry);
// Reads a file written by encode_entry; nullopt for anything truncated, corrupt or over the limits.
std::optional<Entry> decode_entry(std::string_view bytes, const EntryLimits& limits = {});
// Only the key of an encoded entry (the index is rebuilt at start-up without reading bodies).
std::optional<std::string> peek_entry_key(std::string_view prefix, const EntryLimits& limits = {});

}  // namespace layer7::http::cache
