// Zone and ZoneSet: canonical name map and the lookups of RFC 1034 §4.3.2 and RFC 4592.
#include "dns/zone/zone.hpp"

#include <algorithm>

namespace layer7::dns {

std::vector<Record> RRset::records() const
{
    return records_as(owner);
}

std::vector<Record> RRset::records_as(const Name &name) const
{
    std::vector<Record> out;
    out.reserve(rdatas.size());
    for (auto &d : rdatas)
        out.push_back(Record{name, type, klass, ttl, d});
    return out;
}

const RRset *Node::find(RrType type) const
{
    for (auto &set : rrsets)
        if (set.type == type)
            return &set;
    return nullptr;
}

bool Zone::add(const Record &record)
{
    Node &node = nodes_[record.owner];
    auto it = std::find_if(node.rrsets.begin(), node.rrsets.end(),
                           [&](const RRset &s) { return s.type == record.type && s.klass == record.klass; });
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

const Node *Zone::node(const Name &name) const
{
    auto it = nodes_.find(name);
    return it == nodes_.end() ? nullptr : &it->second;
}

const RRset *Zone::find(const Name &name, RrType type) const
{
    const Node *n = node(name);
    return n ? n->find(type) : nullptr;
}

bool Zone::exists(const Name &name) const
{
    // Canonical order puts a name's descendants right after it.
    auto it = nodes_.lower_bound(name);
    return it != nodes_.end() && it->first.is_subdomain_of(name);
}

Name Zone::closest_encloser(const Name &name) const
{
    Name candidate = name;
    while (!(candidate == origin_) && !candidate.is_root()) {
        candidate = candidate.parent();
        if (exists(candidate))
            return candidate;
    }
    return origin_;
}

const RRset *Zone::delegation(const Name &name) const
{
    const std::size_t apex = origin_.label_count(), depth = name.label_count();
    if (depth <= apex || !name.is_subdomain_of(origin_))
        return nullptr;
    for (std::size_t k = apex + 1; k <= depth; ++k)
        if (const RRset *ns = find(name.suffix(k), RrType::ns))
            return ns;
    return nullptr;
}

const Node *Zone::wildcard(const Name &closest_encloser) const
{
    auto star = closest_encloser.prepend("*");
    return star ? node(star.value()) : nullptr;
}

std::vector<Record> Zone::records() const
{
    std::vector<Record> out;
    out.reserve(record_count_);
    if (const RRset *s = soa())
        for (auto &r : s->records())
            out.push_back(std::move(r));
    for (auto &[name, node] : nodes_)
        for (auto &set : node.rrsets)
            if (!(set.type == RrType::soa && name == origin_))
                for (auto &r : set.records())
                    out.push_back(std::move(r));
    return out;
}

bool ZoneSet::add(Zone zone)
{
    Name origin = zone.origin();
    return zones_.emplace(std::move(origin), std::move(zone)).second;
}

const Zone *ZoneSet::find(const Name &name) const
{
    for (std::size_t k = name.label_count() + 1; k-- > 0;) {
        auto it = zones_.find(name.suffix(k));
        if (it != zones_.end())
            return &it->second;
    }
    return nullptr;
}

}  // namespace layer7::dns
