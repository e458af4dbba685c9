// Fuzzes the resolver's reply cache: the input is a query (2-byte length, then the bytes) and a
// reply to store for it. Storing, looking up with the same query and with a respelled one must
// never read outside the buffers; a hit must carry the asking query's id and the stored length.
#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "dns/resolver/reply_cache.hpp"

using namespace layer7::dns::resolver;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 2)
        return 0;
    const std::size_t query_size = std::min<std::size_t>(size - 2, (data[0] << 8) | data[1]);
    const std::span<const std::uint8_t> query(data + 2, query_size);
    const std::span<const std::uint8_t> reply(data + 2 + query_size, size - 2 - query_size);

    ReplyCache cache(ReplyCacheLimits{64, 1 << 16, 4096});
    const Instant t0{};
    cache.store(query, reply, t0);
    std::vector<std::uint8_t> out;
    std::vector<std::uint8_t> asked(query.begin(), query.end());
    for (auto& c : asked)  // the same question in another case and with another id
        c = static_cast<std::uint8_t>(std::isupper(c) ? std::tolower(c) : std::toupper(c));
    if (asked.size() >= 2) {
        asked[0] = query.size() >= 1 ? query[0] : 0;
        asked[1] = static_cast<std::uint8_t>((query.size() >= 2 ? query[1] : 0) ^ 0x5a);
    }
    for (const auto& q : {std::vector<std::uint8_t>(query.begin(), query.end()), asked}) {
        if (!cache.lookup(q, t0 + std::chrono::seconds(1), out))
            continue;
        if (out.size() != reply.size() || out.size() < 2 || out[0] != q[0] || out[1] != q[1])
            std::abort();
    }
    return 0;
}
