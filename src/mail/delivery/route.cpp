// Routing: see route.hpp.
#include "mail/delivery/route.hpp"
#include "core/text/ascii.hpp"

#include <algorithm>

namespace layer7::mail::delivery {
namespace {

std::uint64_t mix(std::uint64_t x)  // splitmix64: a small, deterministic shuffle source
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

}  // namespace

std::optional<core::HostPort> find_route(const std::vector<StaticRoute>& routes, std::string_view domain)
{
    const std::string d = core::to_lower(domain);
    const StaticRoute* wildcard = nullptr;
    for (const auto& r : routes) {
        if (r.domain == d)
            return r.next_hop;
        if (r.domain == "*" && !wildcard)
            wildcard = &r;
    }
    if (wildcard)
        return wildcard->next_hop;
    return std::nullopt;
}

std::vector<std::string> order_mx(std::vector<MxHost> hosts, std::uint64_t seed)
{
    std::vector<std::pair<std::uint64_t, MxHost>> keyed;
    for (auto& h : hosts) {
        seed = mix(seed);
        keyed.emplace_back(seed, std::move(h));
    }
    std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
        return a.second.preference != b.second.preference ? a.second.preference < b.second.preference
                                                          : a.first < b.first;
    });
    std::vector<std::string> out;
    for (auto& [key, h] : keyed) {
        std::string name = core::to_lower(h.name);
        if (!name.empty() && name.back() == '.')
            name.pop_back();
        if (!name.empty() && std::find(out.begin(), out.end(), name) == out.end())
            out.push_back(std::move(name));
    }
    return out;
}

bool is_null_mx(const std::vector<MxHost>& hosts)
{
    return hosts.size() == 1 && (hosts[0].name.empty() || hosts[0].name == ".");
}

std::string domain_of(std::string_view address)
{
    const auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string() : core::to_lower(address.substr(at + 1));
}

std::string local_part_of(std::string_view address)
{
    return std::string(address.substr(0, address.rfind('@')));
}

}  // namespace layer7::mail::delivery
