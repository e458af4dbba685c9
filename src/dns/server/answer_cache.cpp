// The reply cache: see answer_cache.hpp.
#include "dns/server/answer_cache.hpp"

#include <algorithm>

namespace layer7::dns {

bool AnswerCache::key(std::span<const std::uint8_t> query, std::string &out, std::size_t *question_end,
                      std::size_t max_bytes)
{
    if (query.size() < 12 + 5 || query.size() > max_bytes)
        return false;
    if (query[4] != 0 || query[5] != 1)  // exactly one question
        return false;
    std::size_t at = 12;
    while (at < query.size() && query[at] != 0) {
        const std::size_t length = query[at];
        if (length > 63 || at + 1 + length >= query.size())
            return false;  // a pointer, an extended label type, or past the end
        at += 1 + length;
    }
    if (at + 5 > query.size())
        return false;
    const std::size_t end = at + 5;  // root label, type, class
    out.assign(reinterpret_cast<const char *>(query.data()) + 2, query.size() - 2);
    for (std::size_t i = 12 - 2; i < at - 2; ++i)
        if (out[i] >= 'A' && out[i] <= 'Z')
            out[i] = static_cast<char>(out[i] + ('a' - 'A'));
    if (question_end)
        *question_end = end;
    return true;
}

bool AnswerCache::lookup(std::span<const std::uint8_t> query, std::vector<std::uint8_t> &out)
{
    std::size_t end = 0;
    if (!key(query, scratch_, &end, limits_.max_query_bytes))
        return false;
    auto it = entries_.find(scratch_);
    if (it == entries_.end())
        return false;
    const auto &reply = it->second;
    if (reply.size() < end)
        return false;
    out.assign(reply.begin(), reply.end());
    std::copy(query.begin(), query.begin() + 2, out.begin());         // the id
    std::copy(query.begin() + 12, query.begin() + static_cast<std::ptrdiff_t>(end),
              out.begin() + 12);                                    // the question, as spelled
    return true;
}

void AnswerCache::store(std::span<const std::uint8_t> query, std::span<const std::uint8_t> reply)
{
    std::size_t end = 0;
    // Only replies that echo the question at offset 12, as ours always do.
    if (!key(query, scratch_, &end, limits_.max_query_bytes) || reply.size() < end || reply[4] != 0 || reply[5] != 1)
        return;
    if (entries_.size() >= limits_.max_entries)
        entries_.clear();
    entries_.insert_or_assign(scratch_, std::vector<std::uint8_t>(reply.begin(), reply.end()));
}

}  // namespace layer7::dns
