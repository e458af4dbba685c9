// Zone: the records of one zone in a canonically ordered name tree (RFC 4034 §6.1), with the
// lookups an authoritative server needs: exact RRset, closest encloser, zone cut, wildcard
// source (RFC 4592), iteration for AXFR. ZoneSet finds the zone of a name by longest suffix.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
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
    std::vector<Record> records_as(const Name& owner) const;  // wildcard synthesis (RFC 4592 §3.4)
};

struct Node {
    std::vector<RRset> rrsets;  // in the order their first record was added
    const RRset* find(RrType type) const;
};

class Zone {
public:
    explicit Zone(Name origin) : origin_(std::move(origin)) {}

    const Name& origin() const { return origin_; }
    // Adds one record to its RRset; false if the same RDATA is already there (an RRset is a set,
    // RFC 2181 §5). A later record keeps the RRset's first TTL (RFC 2181 §5.2).
    bool add(const Record& record);
    // Removes one record (owner, type and RDATA; the TTL is not compared); false if absent. A name
    // left with no data goes, so exists() stays true only for names with data or descendants.
    bool remove(const Record& record);
    // Removes a whole RRset; false if absent.
    bool remove_rrset(const Name& owner, RrType type);
    // Sets an RRset's TTL (all its records share one, RFC 2181 §5.2); false if absent.
    bool set_ttl(const Name& owner, RrType type, std::uint32_t ttl);

    const Node* node(const Name& name) const;
    const RRset* find(const Name& name, RrType type) const;
    // True if the name owns data or has descendants (an empty non-terminal exists, RFC 4592 §2.2.2).
    bool exists(const Name& name) const;
    // node() and exists() from one search of the tree (an answer needs both).
    struct Located {
        const Node* node = nullptr;
        bool exists = false;
    };
    Located locate(const Name& name) const;
    // The longest existing ancestor of `name` (itself excluded) within the zone (RFC 4592 §3.3.1).
    Name closest_encloser(const Name& name) const;
    // The NS RRset of the highest zone cut at or above `name`, below the apex; null if none.
    const RRset* delegation(const Name& name) const;
    // The same with `name`'s node at hand (locate()'s), so that it is not searched for again.
    const RRset* delegation(const Name& name, const Node* node) const;
    // The node "*.<closest_encloser>", the source of synthesis, if it exists.
    const Node* wildcard(const Name& closest_encloser) const;
    const RRset* soa() const { return find(origin_, RrType::soa); }

    const std::map<Name, Node, CanonicalLess>& nodes() const { return nodes_; }
    std::size_t record_count() const { return record_count_; }
    // Every record, SOA first, then in canonical order (AXFR body, RFC 5936 §2.2).
    std::vector<Record> records() const;

private:
    Name origin_;
    std::map<Name, Node, CanonicalLess> nodes_;
    std::size_t record_count_ = 0;
};

struct ZoneChange;  // zone_change.hpp
// The changes that led to a zone's current version, oldest first, each starting at the serial the
// one before ended at: what IXFR answers from (RFC 1995 §4).
using ZoneHistory = std::vector<std::shared_ptr<const ZoneChange>>;

// Zones are shared, so a new set that changes one zone copies only the pointers of the others.
class ZoneSet {
public:
    struct Entry {
        std::shared_ptr<const Zone> zone;
        ZoneHistory history;
    };

    // False if a zone with that origin is already loaded.
    bool add(Zone zone);
    // Adds the zone, or replaces the one with its origin.
    void put(std::shared_ptr<const Zone> zone, ZoneHistory history = {});
    // The zone whose origin is the longest suffix of `name`; null if none.
    const Zone* find(const Name& name) const;
    // The entry of the zone with exactly this origin; null if none.
    const Entry* entry(const Name& origin) const;
    const std::map<Name, Entry, CanonicalLess>& zones() const { return zones_; }

private:
    std::map<Name, Entry, CanonicalLess> zones_;
};

}  // namespace layer7::dns
