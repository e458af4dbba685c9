// Status page: see stats.hpp.
#include "http/proxy/stats.hpp"

#include <nlohmann/json.hpp>

namespace layer7::http::proxy {

std::string status_json(const Stats& s, const cache::StoreStats& store, std::uint64_t max_bytes)
{
    const double requests = static_cast<double>(s.requests.load());
    const double hits = static_cast<double>(s.hits.load());
    const double origin = static_cast<double>(s.origin_requests.load());
    nlohmann::json j{
        {"requests", s.requests.load()},
        {"hits", s.hits.load()},
        {"revalidated", s.revalidated.load()},
        {"stale", s.stale.load()},
        {"background_revalidations", s.background.load()},
        {"misses", s.misses.load()},
        {"passes", s.passes.load()},
        {"collapsed", s.collapsed.load()},
        {"origin_requests", s.origin_requests.load()},
        {"origin_bytes", s.origin_bytes.load()},
        {"bytes_saved", s.bytes_saved.load()},
        {"errors", s.errors.load()},
        {"tunnels", s.tunnels.load()},
        // The textbook's numbers: the share answered by the cache, and the share the origin sees.
        {"hit_ratio", requests > 0 ? hits / requests : 0.0},
        {"origin_share", requests > 0 ? origin / requests : 0.0},
        {"cache",
         {{"entries", store.entries},
          {"bytes", store.bytes},
          {"memory_bytes", store.memory_bytes},
          {"max_bytes", max_bytes},
          {"loaded_at_start", store.loaded}}},
    };
    return j.dump(2) + "\n";
}

}  // namespace layer7::http::proxy
