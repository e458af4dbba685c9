// Zone changes: see zone_change.hpp.
#include "dns/zone/zone_change.hpp"

#include <algorithm>
#include <set>

namespace layer7::dns {
namespace {

std::uint32_t serial_of(const std::vector<Record>& records)
{
    if (records.empty())
        return 0;
    const auto* soa = std::get_if<Soa>(&records.front().data);
    return soa ? soa->serial : 0;
}

// A node's records other than the apex SOA; TTL included, since a TTL change is a change.
std::vector<Record> records_at(const Zone& zone, const Name& name)
{
    std::vector<Record> out;
    if (const Node* node = zone.node(name))
        for (const auto& set : node->rrsets)
            if (!(set.type == RrType::soa && name == zone.origin()))
                for (auto& r : set.records())
                    out.push_back(std::move(r));
    return out;
}

bool contains(const std::vector<Record>& records, const Record& r)
{
    return std::find(records.begin(), records.end(), r) != records.end();
}

void soa_into(const Zone& zone, std::vector<Record>& out)
{
    if (const RRset* soa = zone.soa())
        out.push_back(soa->records().front());
}

}  // namespace

std::uint32_t ZoneChange::from_serial() const
{
    return serial_of(removed);
}

std::uint32_t ZoneChange::to_serial() const
{
    return serial_of(added);
}

bool serial_newer(std::uint32_t a, std::uint32_t b)
{
    return a != b && static_cast<std::int32_t>(a - b) > 0;
}

std::uint32_t soa_serial(const Zone& zone)
{
    const RRset* soa = zone.soa();
    return soa ? std::get<Soa>(soa->rdatas.front()).serial : 0;
}

ZoneChange difference(const Zone& before, const Zone& after, std::span<const Name> names)
{
    ZoneChange change;
    soa_into(before, change.removed);
    soa_into(after, change.added);
    std::set<Name, CanonicalLess> all(names.begin(), names.end());
    if (names.empty()) {
        for (const auto& [name, node] : before.nodes())
            all.insert(name);
        for (const auto& [name, node] : after.nodes())
            all.insert(name);
    }
    for (const auto& name : all) {
        const auto old_records = records_at(before, name), new_records = records_at(after, name);
        for (const auto& r : old_records)
            if (!contains(new_records, r))
                change.removed.push_back(r);
        for (const auto& r : new_records)
            if (!contains(old_records, r))
                change.added.push_back(r);
    }
    return change;
}

bool apply(Zone& zone, const ZoneChange& change)
{
    for (const auto& r : change.removed) {
        const RRset* set = zone.find(r.owner, r.type);
        if (!set || set->ttl != r.ttl || !zone.remove(r))
            return false;
    }
    for (const auto& r : change.added) {
        if (const RRset* set = zone.find(r.owner, r.type)) {
            if (std::find(set->rdatas.begin(), set->rdatas.end(), r.data) != set->rdatas.end())
                return false;
            zone.set_ttl(r.owner, r.type, r.ttl);
        }
        zone.add(r);
    }
    return true;
}

std::optional<ZoneHistory> changes_since(const ZoneHistory& history, std::uint32_t serial)
{
    if (!history.empty() && history.back()->to_serial() == serial)
        return ZoneHistory{};
    for (std::size_t i = 0; i < history.size(); ++i) {
        if (history[i]->from_serial() != serial)
            continue;
        ZoneHistory chain(history.begin() + static_cast<long>(i), history.end());
        for (std::size_t k = 1; k < chain.size(); ++k)
            if (chain[k]->from_serial() != chain[k - 1]->to_serial())
                return std::nullopt;
        return chain;
    }
    return std::nullopt;
}

}  // namespace layer7::dns
