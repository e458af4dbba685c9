// Zone and ZoneSet: canonical name map and the lookups of RFC 1034 §4.3.2 and RFC 4592.
#include "dns/zone/zone.hpp"

#include <algorithm>

namespace layer7::dns {

std::vector<Record> RRset::records() const
{
    return records_as(owner);
}

std::vector<Record> RRset::records_as(const Name& name) const
{
    std::vector<Record> out;
    out.reserve(rdatas.size());
    for (auto& d : rdatas)
        out.push_back(Record{name, type, klass, ttl, d});
    return out;
}

const RRset* Node::find(RrType type) const
{
    for (auto& set : rrsets)
        if (set.type == type)
            return &set;
    return nullptr;
}

bool Zone::add(const Record& record)
{
    Node& node = nodes_[record.owner];
    auto it = std::find_if(node.rrsets.begin(), node.rrsets.end(),
                           [&](const RRset& s) { return s.type == record.type && s.klass == record.klass; });
    if (it == node.rrsets.end()) {
        node.rrsets.push_back(RRset{record.owner, record.type, record.klass, record.ttl, {record.data}});
    } else {
        if (std::find(it->rdatas.begin(), it->rdatas.end(), record.data) != it->rdatas.end())
            return false;
        it->rdatas.push_back(record.data);
    }
    ++record_count_;
    return true;
}

bool Zone::remove(const Record& record)
{
    auto node = nodes_.find(record.owner);
    if (node == nodes_.end())
        return false;
    auto& sets = node->second.rrsets;
    auto set = std::find_if(sets.begin(), sets.end(), [&](const RRset& s) { return s.type == record.type; });
    if (set == sets.end())
        return false;
    auto data = std::find(set->rdatas.begin(), set->rdatas.end(), record.data);
    if (data == set->rdatas.end())
        return false;
    set->rdatas.erase(data);
    --record_count_;
    if (set->rdatas.empty())
        sets.erase(set);
    if (sets.empty())
        nodes_.erase(node);
    return true;
}

bool Zone::remove_rrset(const Name& owner, RrType type)
{
    auto node = nodes_.find(owner);
    if (node == nodes_.end())
        return false;
    auto& sets = node->second.rrsets;
    auto set = std::find_if(sets.begin(), sets.end(), [&](const RRset& s) { return s.type == type; });
    if (set == sets.end())
        return false;
    record_count_ -= set->rdatas.size();
    sets.erase(set);
    if (sets.empty())
        nodes_.erase(node);
    return true;
}

bool Zone::set_ttl(const Name& owner, RrType type, std::uint32_t ttl)
{
    auto node = nodes_.find(owner);
    if (node == nodes_.end())
        return false;
    for (auto& set : node->second.rrsets)
        if (set.type == type) {
            set.ttl = ttl;
            return true;
        }
    return false;
}

const Node* Zone::node(const Name& name) const
{
    auto it = nodes_.find(name);
    return it == nodes_.end() ? nullptr : &it->second;
}

const RRset* Zone::find(const Name& name, RrType type) const
{
    const Node* n = node(name);
    return n ? n->find(type) : nullptr;
}

bool Zone::exists(const Name& name) const
{
    // Canonical order puts a name's descendants right after it.
    auto it = nodes_.lower_bound(name);
    return it != nodes_.end() && it->first.is_subdomain_of(name);
}

Zone::Located Zone::locate(const Name& name) const
{
    auto it = nodes_.lower_bound(name);  // the name itself, else its first descendant
    if (it == nodes_.end() || !it->first.is_subdomain_of(name))
        return {};
    return {.node = it->first == name ? &it->second : nullptr, .exists = true};
}

Name Zone::closest_encloser(const Name& name) const
{
    Name candidate = name;
    while (!(candidate == origin_) && !candidate.is_root()) {
        candidate = candidate.parent();
        if (candidate == origin_)
            break;  // the apex, the answer whether it exists or not: no search
        if (exists(candidate))
            return candidate;
    }
    return origin_;
}

const RRset* Zone::delegation(const Name& name) const
{
    return delegation(name, node(name));
}

const RRset* Zone::delegation(const Name& name, const Node* node) const
{
    const std::size_t apex = origin_.label_count(), depth = name.label_count();
    if (depth <= apex || !name.is_subdomain_of(origin_))
        return nullptr;
    for (std::size_t k = apex + 1; k < depth; ++k)  // the ancestors below the apex, highest first
        if (const RRset* ns = find(name.suffix(k), RrType::ns))
            return ns;
    return node ? node->find(RrType::ns) : nullptr;  // then the name itself
}

const Node* Zone::wildcard(const Name& closest_encloser) const
{
    auto star = closest_encloser.prepend("*");
    return star ? node(star.value()) : nullptr;
}

std::vector<Record> Zone::records() const
{
    std::vector<Record> out;
    out.reserve(record_count_);
    if (const RRset* s = soa())
        for (auto& r : s->records())
            out.push_back(std::move(r));
    for (auto& [name, node] : nodes_)
        for (auto& set : node.rrsets)
            if (!(set.type == RrType::soa && name == origin_))
                for (auto& r : set.records())
                    out.push_back(std::move(r));
    return out;
}

bool ZoneSet::add(Zone zone)
{
    Name origin = zone.origin();
    return zones_.emplace(std::move(origin), Entry{std::make_shared<const Zone>(std::move(zone)), {}}).second;
}

void ZoneSet::put(std::shared_ptr<const Zone> zone, ZoneHistory history)
{
    Name origin = zone->origin();
    zones_.insert_or_assign(std::move(origin), Entry{std::move(zone), std::move(history)});
}

const Zone* ZoneSet::find(const Name& name) const
{
    for (std::size_t k = name.label_count() + 1; k-- > 0;) {
        auto it = zones_.find(name.suffix(k));
        if (it != zones_.end())
            return it->second.zone.get();
    }
    return nullptr;
}

const ZoneSet::Entry* ZoneSet::entry(const Name& origin) const
{
    auto it = zones_.find(origin);
    return it == zones_.end() ? nullptr : &it->second;
}

}  // namespace layer7::dns
