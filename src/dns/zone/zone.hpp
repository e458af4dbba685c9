// Zone: the records of one zone in a canonically ordered name tree (RFC 4034 §6.1), with the
// lookups an authoritative server needs: exact RRset, closest encloser, zone cut, wildcard
// source (RFC 4592), iteration for AXFR. ZoneSet finds the zone of a name by longest suffix.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "dns/wire/message.hpp"

namespace layer7::dns {

struct RRset {
    Name owner;
    RrType type = RrType::a;
    RrClass klass = RrClass::in;
    std::uint32_t ttl = 0;
    std::vector<Rdata> rdatas;
    std::vector<Record> records() const;                      // one Record per RDATA
    std::vector<Record> records_as(const Name &owner) const;  // wildcard synthesis (RFC 4592 §3.4)
};

struct Node {
    std::vector<RRset> rrsets;  // in the order their first record was added
    const RRset *find(RrType type) const;
};

class Zone {
public:
    explicit Zone(Name origin) : origin_(std::move(origin)) {}

    const Name &origin() const { return origin_; }
    // Adds one record to its RRset; false if the same RDATA is already there (an RRset is a set,
    // RFC 2181 §5). A later record keeps the RRset's first TTL (RFC 2181 §5.2).
    bool add(const Record &record);

    const Node *node(const Name &name) const;
    const RRset *find(const Name &name, RrType type) const;
    // True if the name owns data or has descendants (an empty non-terminal exists, RFC 4592 §2.2.2).
    bool exists(const Name &name) const;
    // The longest existing ancestor of `name` (itself excluded) within the zone (RFC 4592 §3.3.1).
    Name closest_encloser(const Name &name) const;
    // The NS RRset of the highest zone cut at or above `name`, below the apex; null if none.
    const RRset *delegation(const Name &name) const;
    // The node "*.<closest_encloser>", the source of synthesis, if it exists.
    const Node *wildcard(const Name &closest_encloser) const;
    const RRset *soa() const { return find(origin_, RrType::soa); }

    const std::map<Name, Node, CanonicalLess> &nodes() const { return nodes_; }
    std::size_t record_count() const { return record_count_; }
    // Every record, SOA first, then in canonical order (AXFR body, RFC 5936 §2.2).
    std::vector<Record> records() const;

private:
    Name origin_;
    std::map<Name, Node, CanonicalLess> nodes_;
    std::size_t record_count_ = 0;
};

class ZoneSet {
public:
    // False if a zone with that origin is already loaded.
    bool add(Zone zone);
    // The zone whose origin is the longest suffix of `name`; null if none.
    const Zone *find(const Name &name) const;
    const std::map<Name, Zone, CanonicalLess> &zones() const { return zones_; }

private:
    std::map<Name, Zone, CanonicalLess> zones_;
};

}  // namespace layer7::dns
