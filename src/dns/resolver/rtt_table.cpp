// RttTable: srtt = 7/8 srtt + 1/8 sample (RFC 6298's alpha), doubled on timeouts.
#include "dns/resolver/rtt_table.hpp"

#include <algorithm>

namespace layer7::dns::resolver {

void RttTable::on_reply(const ServerAddress& server, Micros rtt)
{
    std::lock_guard lock(mutex_);
    if (srtt_.size() >= max_entries)
        srtt_.clear();
    auto [it, fresh] = srtt_.try_emplace(server, rtt);
    if (!fresh)
        it->second = std::min(max_rtt, (it->second * 7 + rtt) / 8);
}

void RttTable::on_timeout(const ServerAddress& server, Micros timeout)
{
    std::lock_guard lock(mutex_);
    if (srtt_.size() >= max_entries)
        srtt_.clear();
    auto& v = srtt_[server];
    v = std::min(max_rtt, std::max(v * 2, timeout));
}

RttTable::Micros RttTable::srtt(const ServerAddress& server) const
{
    std::lock_guard lock(mutex_);
    auto it = srtt_.find(server);
    return it == srtt_.end() ? Micros{0} : it->second;
}

const ServerAddress& RttTable::pick(std::span<const ServerAddress> servers, std::uint32_t tie) const
{
    std::lock_guard lock(mutex_);
    auto rtt = [&](const ServerAddress& s) {
        auto it = srtt_.find(s);
        return it == srtt_.end() ? Micros{0} : it->second;
    };
    Micros best = Micros::max();
    std::size_t count = 0, chosen = 0;
    for (std::size_t i = 0; i < servers.size(); ++i) {
        Micros r = rtt(servers[i]);
        if (r < best) {
            best = r;
            count = 0;
        }
        // Reservoir choice among the equally best, driven by `tie`.
        if (r == best && (tie % ++count) == 0)
            chosen = i;
        tie = tie * 1103515245u + 12345u;
    }
    return servers[chosen];
}

}  // namespace layer7::dns::resolver
