// Fuzzes the zone-file parser: a zone that parses, printed back as one record per line, must
// parse again to the same records (presentation round trip).
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "dns/zone/zone_parser.hpp"

using namespace layer7::dns;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const Name origin = Name::parse("example.").value();
    std::string_view text(reinterpret_cast<const char*>(data), size);
    ZoneLimits limits;
    limits.max_records = 2000;
    auto zone = parse_zone(text, origin, "fuzz.db", limits);
    if (!zone.ok())
        return 0;
    std::string printed;
    const auto records = zone->records();
    for (auto& rr : records)
        printed += to_text(rr) + "\n";
    auto again = parse_zone(printed, origin, "printed.db", limits);
    if (!again.ok() || again->records() != records)
        std::abort();
    return 0;
}
