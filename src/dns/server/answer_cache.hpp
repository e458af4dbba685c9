// A per-worker cache of encoded replies keyed by the query's bytes after the id (the question
// lowercased), so a repeated question costs a hash and a copy instead of decode → answer → encode
// (the packet-cache idea of PowerDNS). The reply gets the query's id and the question exactly as
// the query spelled it (0x20 mixed case survives). Pure; the owner clears it when zones change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace layer7::dns {

struct AnswerCacheLimits {
    std::size_t max_entries = 20'000;     // then the cache starts over (cheap, and bounded)
    std::size_t max_query_bytes = 512;    // larger queries (many options) are not cached
};

class AnswerCache {
public:
    explicit AnswerCache(AnswerCacheLimits limits = {}) : limits_(limits) {}

    // The cached reply for `query`, rewritten into `out`; false on a miss or an uncacheable query.
    bool lookup(std::span<const std::uint8_t> query, std::vector<std::uint8_t> &out);
    // Remembers `reply` to `query` (both as sent on the wire).
    void store(std::span<const std::uint8_t> query, std::span<const std::uint8_t> reply);
    void clear() { entries_.clear(); }
    std::size_t size() const { return entries_.size(); }

    // The key, written into `out` (whose capacity is reused: no allocation per query): octets 2..
    // of the query with the question name lowercased. False when the query is not a plain one (no
    // question, a compressed or malformed name, too long).
    static bool key(std::span<const std::uint8_t> query, std::string &out, std::size_t *question_end = nullptr,
                    std::size_t max_bytes = 512);

private:
    AnswerCacheLimits limits_;
    std::unordered_map<std::string, std::vector<std::uint8_t>> entries_;
    std::string scratch_;  // the key of the query at hand
};

}  // namespace layer7::dns
