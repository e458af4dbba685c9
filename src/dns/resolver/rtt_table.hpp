// RttTable: smoothed round-trip times per upstream address, to prefer the fastest server of an NS
// set (as BIND's SRTT). A timeout doubles the estimate; an address never tried counts as 0 so each
// gets tried once. Thread-safe (one table shared by the workers); the caller measures the time.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <span>
#include <unordered_map>

#include "dns/resolver/server_address.hpp"

namespace layer7::dns::resolver {

class RttTable {
public:
    using Micros = std::chrono::microseconds;
    static constexpr Micros max_rtt{10'000'000};         // a cap, so a server can recover
    static constexpr std::size_t max_entries = 100'000;  // then the table starts over

    void on_reply(const ServerAddress& server, Micros rtt);
    void on_timeout(const ServerAddress& server, Micros timeout);
    Micros srtt(const ServerAddress& server) const;
    // The lowest estimate among `servers` (not empty); `tie` breaks ties between equals, so the
    // load of untried or equally fast servers is spread.
    const ServerAddress& pick(std::span<const ServerAddress> servers, std::uint32_t tie) const;

private:
    mutable std::mutex mutex_;
    std::unordered_map<ServerAddress, Micros, ServerAddressHash> srtt_;
};

}  // namespace layer7::dns::resolver
