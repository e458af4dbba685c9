// Reading a zone transfer's records (RFC 5936 AXFR, RFC 1995 IXFR) into what a secondary applies:
// a whole zone, or the changes since its serial. Pure: records in, result out; the client collects
// the records of every message (dns/client's TransferEnd says when the last has come).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "dns/zone/zone_change.hpp"

namespace layer7::dns {

struct TransferContent {
    std::string error;                // empty on success
    bool up_to_date = false;          // IXFR answered with the SOA alone: nothing newer
    std::optional<Zone> zone;         // AXFR, or IXFR answered AXFR-style
    std::vector<ZoneChange> changes;  // IXFR: from `serial` to the new one
};

// Validates and interprets the stream; `serial` is ours (for an IXFR). Records outside `origin`
// are errors, as is a zone without NS at the apex.
TransferContent read_transfer(const std::vector<Record>& records, const Name& origin, bool ixfr, std::uint32_t serial);

}  // namespace layer7::dns
