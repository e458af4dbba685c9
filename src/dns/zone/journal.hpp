// The journal: a zone's changes as text, appended one block per change, so updates survive a
// restart before the zone file is rewritten, and IXFR can answer from them (as BIND's .jnl, but
// readable). Each block:
//   $CHANGE 2024010101 2024010102
//   -	example.test.	3600	IN	SOA	…         (removed: the old SOA first)
//   +	example.test.	3600	IN	SOA	…         (added: the new SOA first)
//   +	www.example.test.	300	IN	A	192.0.2.7
//   $END
// A block cut short by a crash (no $END) is ignored: it was never acknowledged. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "dns/zone/zone_change.hpp"

namespace layer7::dns {

std::string journal_block(const ZoneChange& change);

struct JournalText {
    std::vector<ZoneChange> changes;  // in file order
    std::size_t complete = 0;         // octets up to the end of the last whole block
    std::string error;                // "journal:LINE: …" for a malformed whole block; parsing stops there
};
// Records outside `origin` are errors.
JournalText parse_journal(std::string_view text, const Name& origin);

}  // namespace layer7::dns
