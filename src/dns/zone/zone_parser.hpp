// Zone-file parser (RFC 1035 §5, RFC 2308 §4 $TTL, as BIND and NSD read it): text in, checked Zone
// out. Pure: $INCLUDE is refused, since the caller, not the parser, reads files.
#pragma once

#include <cstddef>
#include <string_view>

#include "core/result.hpp"
#include "dns/zone/zone.hpp"
#include "dns/zone/zone_error.hpp"
#include "dns/zone/zone_lexer.hpp"

namespace layer7::dns {

struct ZoneLimits {
    std::size_t max_records = 1'000'000;  // bounds memory for one zone
    std::uint32_t max_ttl = 0x7fffffff;   // RFC 2181 §8
    LexLimits lex;
};

// Checks: one SOA, at the apex; NS at the apex; CNAME alone at its name (RFC 1034 §3.6.2);
// address records for in-zone NS targets (glue); no data outside `origin`.
core::Result<Zone, ZoneError> parse_zone(std::string_view text, const Name& origin, std::string_view file,
                                         const ZoneLimits& limits = {});

// A zone compiled into the program: its origin and master-file text (the textbook's, demo/zones.hpp).
struct EmbeddedZone {
    std::string_view origin;
    std::string_view text;
};

}  // namespace layer7::dns
