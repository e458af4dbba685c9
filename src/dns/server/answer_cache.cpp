// The reply cache: see answer_cache.hpp.
#include "dns/server/answer_cache.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <string_view>

namespace layer7::dns {

namespace {

// The end of the question (its name, type and class) of a plain query: one question, its name
// uncompressed and within the message; 0 when it is not one.
std::size_t question_end(std::span<const std::uint8_t> query)
{
    if (query.size() < 12 + 5 || query[4] != 0 || query[5] != 1)  // exactly one question
        return 0;
    std::size_t at = 12;
    while (at < query.size() && query[at] != 0) {
        const std::size_t length = query[at];
        if (length > 63 || at + 1 + length >= query.size())
            return 0;  // a pointer, an extended label type, or past the end
        at += 1 + length;
    }
    return at + 5 > query.size() ? 0 : at + 5;  // root label, type, class
}

std::uint8_t lower(std::uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? static_cast<std::uint8_t>(c + ('a' - 'A')) : c;
}

constexpr std::size_t entry_header = 4;  // key size, reply size

std::uint32_t hash_of(const std::string& key)
{
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(key));
}

std::uint16_t read16(const std::uint8_t* at)
{
    std::uint16_t v;
    std::memcpy(&v, at, 2);
    return v;
}

// The query's id and its question as spelled, into a reply to the same question.
void copy_spelling(std::span<const std::uint8_t> query, std::size_t question_end, std::span<std::uint8_t> reply)
{
    std::copy(query.begin(), query.begin() + 2, reply.begin());
    std::copy(query.begin() + 12, query.begin() + static_cast<std::ptrdiff_t>(question_end), reply.begin() + 12);
}

}  // namespace

bool AnswerCache::key(std::span<const std::uint8_t> query, std::string& out, std::size_t* question_end_out,
                      std::size_t max_bytes)
{
    const std::size_t end = query.size() > max_bytes ? 0 : question_end(query);
    if (end == 0)
        return false;
    out.assign(reinterpret_cast<const char*>(query.data()) + 2, query.size() - 2);
    for (std::size_t i = 12 - 2; i < end - 5 - 2; ++i)
        out[i] = static_cast<char>(lower(static_cast<std::uint8_t>(out[i])));
    if (question_end_out)
        *question_end_out = end;
    return true;
}

AnswerCache::Slot& AnswerCache::find(std::uint32_t hash)
{
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash & mask;; i = (i + 1) & mask) {  // at most half full: ends at an empty slot
        Slot& slot = slots_[i];
        if (slot.entry == 0)
            return slot;
        if (slot.hash != hash)
            continue;
        const std::uint8_t* entry = arena_.data() + slot.entry - 1;
        if (read16(entry) == scratch_.size() &&
            std::memcmp(entry + entry_header, scratch_.data(), scratch_.size()) == 0)
            return slot;
    }
}

void AnswerCache::grow()
{
    std::vector<Slot> old(slots_.empty() ? 64 : slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& slot : old) {
        if (slot.entry == 0)
            continue;
        std::size_t i = slot.hash & mask;
        while (slots_[i].entry != 0)
            i = (i + 1) & mask;
        slots_[i] = slot;
    }
}

bool AnswerCache::lookup(std::span<const std::uint8_t> query, std::vector<std::uint8_t>& out)
{
    std::size_t end = 0;
    if (size_ == 0 || !key(query, scratch_, &end, limits_.max_query_bytes))
        return false;
    const Slot& slot = find(hash_of(scratch_));
    if (slot.entry == 0)
        return false;
    const std::uint8_t* entry = arena_.data() + slot.entry - 1;
    const std::uint8_t* reply = entry + entry_header + read16(entry);
    out.assign(reply, reply + read16(entry + 2));
    copy_spelling(query, end, out);
    return true;
}

std::span<const std::uint8_t> AnswerCache::lowercased(std::span<const std::uint8_t> query)
{
    if (!key(query, scratch_, nullptr, limits_.max_query_bytes))
        return {};
    lowered_.assign(query.begin(), query.begin() + 2);
    lowered_.insert(lowered_.end(), scratch_.begin(), scratch_.end());
    return lowered_;
}

bool AnswerCache::respell(std::span<const std::uint8_t> query, std::span<std::uint8_t> reply)
{
    const std::size_t end = question_end(query);
    if (end == 0 || reply.size() < end || reply[4] != 0 || reply[5] != 1)
        return false;
    for (std::size_t i = 12; i < end; ++i)  // the same question, but for the letters' case
        if (lower(reply[i]) != lower(query[i]))
            return false;
    copy_spelling(query, end, reply);
    return true;
}

void AnswerCache::store(std::span<const std::uint8_t> query, std::span<const std::uint8_t> reply)
{
    std::size_t end = 0;
    // Only replies that echo the question at offset 12, as ours always do.
    if (!key(query, scratch_, &end, limits_.max_query_bytes) || reply.size() < end || reply.size() > 0xffff ||
        reply[4] != 0 || reply[5] != 1)
        return;
    const std::size_t bytes = entry_header + scratch_.size() + reply.size();
    if (size_ >= limits_.max_entries || arena_.size() + bytes > limits_.max_bytes)
        clear();
    if (2 * (size_ + 1) > slots_.size())
        grow();
    const std::uint32_t hash = hash_of(scratch_);
    Slot& slot = find(hash);
    if (slot.entry != 0)
        return;  // already held: the same zones gave the same reply
    slot = {.hash = hash, .entry = static_cast<std::uint32_t>(arena_.size() + 1)};
    const std::uint16_t sizes[2] = {static_cast<std::uint16_t>(scratch_.size()),
                                    static_cast<std::uint16_t>(reply.size())};
    const auto* header = reinterpret_cast<const std::uint8_t*>(sizes);
    arena_.insert(arena_.end(), header, header + entry_header);
    arena_.insert(arena_.end(), scratch_.begin(), scratch_.end());
    arena_.insert(arena_.end(), reply.begin(), reply.end());
    ++size_;
}

void AnswerCache::clear()
{
    std::fill(slots_.begin(), slots_.end(), Slot{});
    arena_.clear();
    size_ = 0;
}

}  // namespace layer7::dns
