// Dynamic update (RFC 2136): an UPDATE message applied to one zone — prerequisites checked, then
// the updates applied all or nothing, the SOA serial bumped when anything changed, and the change
// returned for the journal and IXFR. Pure: the caller has checked the TSIG and picked the grant.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dns/wire/message.hpp"
#include "dns/zone/zone_change.hpp"

namespace layer7::dns {

// What one key may change in a zone: updates outside it are REFUSED as a whole.
struct UpdateGrant {
    Name key;
    std::vector<Name> names;    // empty: any name of the zone; else these names and the names below them
    std::vector<RrType> types;  // empty: any type; else only these (deleting every type of a name then is refused)
};

struct UpdateResult {
    Rcode rcode = Rcode::no_error;
    std::string reason;                // why, when rcode is not NOERROR (for the log)
    std::shared_ptr<const Zone> zone;  // the new version, when something changed
    std::optional<ZoneChange> change;  // from the old version to the new one
};

// `update` has opcode UPDATE; its zone section must name `zone`'s origin (the caller found the zone
// by it). Nothing changed is NOERROR with no zone.
UpdateResult apply_update(const Message& update, const Zone& zone, const UpdateGrant& grant);

}  // namespace layer7::dns
