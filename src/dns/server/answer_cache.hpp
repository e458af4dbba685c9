// A per-worker cache of encoded replies keyed by the query's bytes after the id (the question
// lowercased), so a repeated question costs a hash and a copy instead of decode → answer → encode
// (the packet-cache idea of PowerDNS). Every bit a reply depends on is in those bytes: the name,
// type and class, the header flags, and EDNS (size, DO, version, options). The reply gets the
// query's id and the question exactly as the query spelled it (0x20 mixed case survives). Pure;
// the owner clears it when the zones change.
//
// Entries sit in one flat open-addressing table of 8-octet slots over one byte arena: a hit reads a
// slot and one stretch of the arena, where a node-based map chased three pointers (measured: the
// map's find was the largest user-space cost of a cached answer, nearly all of it cache misses).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace layer7::dns {

struct AnswerCacheLimits {
    std::size_t max_entries = 16'384;         // then the cache starts over (cheap, and bounded)
    std::size_t max_query_bytes = 512;        // larger queries (many options) are not cached
    std::size_t max_bytes = 8 * 1024 * 1024;  // keys and replies held (below 4 GiB); then it starts over
};

class AnswerCache {
public:
    explicit AnswerCache(AnswerCacheLimits limits = {}) : limits_(limits) {}

    // The cached reply for `query`, rewritten into `out`; false on a miss or an uncacheable query.
    bool lookup(std::span<const std::uint8_t> query, std::vector<std::uint8_t>& out);
    // On a miss: the query with its question name lowercased (in a buffer reused until the next
    // call), to answer instead of the query, so that the reply held for a question — its
    // compression, so its size and truncation — is the same whatever spelling asked first (the
    // encoder compresses case-sensitively). Empty when the query is not cacheable.
    std::span<const std::uint8_t> lowercased(std::span<const std::uint8_t> query);
    // Remembers `reply` to `query` (both as sent on the wire; `query` as lowercased() gave it).
    void store(std::span<const std::uint8_t> query, std::span<const std::uint8_t> reply);
    // Puts `query`'s id and question spelling into `reply`, a reply to the same question in any
    // spelling that echoes it at offset 12 (as ours do); false, and `reply` untouched, otherwise.
    static bool respell(std::span<const std::uint8_t> query, std::span<std::uint8_t> reply);
    void clear();
    std::size_t size() const { return size_; }

    // The key, written into `out` (whose capacity is reused: no allocation per query): octets 2..
    // of the query with the question name lowercased. False when the query is not a plain one (no
    // question, a compressed or malformed name, too long).
    static bool key(std::span<const std::uint8_t> query, std::string& out, std::size_t* question_end = nullptr,
                    std::size_t max_bytes = 512);

private:
    // An entry in arena_: key size and reply size (two octets each, host order), key, reply.
    struct Slot {
        std::uint32_t hash = 0;
        std::uint32_t entry = 0;  // 1 + the entry's offset in arena_; 0: empty
    };
    // The slot holding scratch_ (hash `hash`), or the empty slot where it would go.
    Slot& find(std::uint32_t hash);
    // Doubles the table, up to what max_entries needs.
    void grow();
    AnswerCacheLimits limits_;
    // A power of two, at most half full, grown with the entries: a zone's few thousand questions
    // take tens of KiB of slots, not the 256 KiB that max_entries would need.
    std::vector<Slot> slots_;
    std::vector<std::uint8_t> arena_;  // entry after entry: key, reply
    std::size_t size_ = 0;
    std::string scratch_;                // the key of the query at hand
    std::vector<std::uint8_t> lowered_;  // lowercased()'s query
};

}  // namespace layer7::dns
