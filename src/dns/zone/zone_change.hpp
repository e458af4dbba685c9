// ZoneChange: one step of a zone's history, the records removed and added between two serials, in
// IXFR's order (RFC 1995 §4): `removed` starts with the old SOA, `added` with the new one. Made by
// comparing two versions of a zone (after an UPDATE, or a zone file edited and reloaded), applied
// to replay a journal or an incremental transfer. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dns/zone/zone.hpp"

namespace layer7::dns {

struct ZoneChange {
    std::vector<Record> removed, added;
    std::uint32_t from_serial() const;  // 0 when `removed` does not start with a SOA
    std::uint32_t to_serial() const;
    bool operator==(const ZoneChange&) const = default;
};

// RFC 1982 serial number arithmetic: a is newer than b.
bool serial_newer(std::uint32_t a, std::uint32_t b);
std::uint32_t soa_serial(const Zone& zone);  // 0 without a SOA

// The change from `before` to `after` (same origin). Only the names in `names` are compared (those
// an UPDATE touched), or every name of both when `names` is empty. The SOAs open both lists.
ZoneChange difference(const Zone& before, const Zone& after, std::span<const Name> names = {});

// Applies `change` to `zone`; false, with the zone partly changed, when a removed record is not
// there or an added one already is (the change was made against another version): callers apply to
// a copy. Added records take their own TTL.
bool apply(Zone& zone, const ZoneChange& change);

// The changes of `history` that lead from `serial` to its last one, when they form an unbroken
// chain from there (empty when `serial` is already the last); nullopt when they do not reach it.
std::optional<ZoneHistory> changes_since(const ZoneHistory& history, std::uint32_t serial);

}  // namespace layer7::dns
