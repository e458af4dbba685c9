// Dynamic update: RFC 2136 §3.2 (prerequisites), §3.4 (prescan, then apply), §3.6 (the serial).
#include "dns/authority/update.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/bytes/wire_reader.hpp"

namespace layer7::dns {
namespace {

UpdateResult refuse(Rcode rcode, std::string reason)
{
    UpdateResult r;
    r.rcode = rcode;
    r.reason = std::move(reason);
    return r;
}

bool is_meta(RrType type)
{
    const auto t = static_cast<std::uint16_t>(type);
    return t == static_cast<std::uint16_t>(RrType::opt) || t >= 128;  // OPT, TSIG, IXFR, AXFR, ANY… (RFC 6895 §3.1)
}

// RDATA sent in class NONE, or of a type the decoder keeps typed only in class IN, as it would
// be in the zone.
Rdata as_zone_data(const Record& rr)
{
    const auto* unknown = std::get_if<Unknown>(&rr.data);
    if (!unknown || unknown->bytes.empty())
        return rr.data;
    core::WireReader reader(unknown->bytes);
    auto typed = decode_rdata(rr.type, RrClass::in, reader, unknown->bytes.size(), DecodeLimits{});
    return typed && reader.at_end() ? std::move(typed).value() : rr.data;
}

bool has_data(const RRset* set, const Rdata& data)
{
    return set && std::find(set->rdatas.begin(), set->rdatas.end(), data) != set->rdatas.end();
}

// §3.2: checks every prerequisite against the zone as it is.
std::optional<UpdateResult> check_prerequisites(const Message& update, const Zone& zone)
{
    using Key = std::pair<Name, RrType>;
    std::map<Key, std::vector<Rdata>, bool (*)(const Key&, const Key&)> value_sets([](const Key& a, const Key& b) {
        const int c = canonical_compare(a.first, b.first);
        return c != 0 ? c < 0 : a.second < b.second;
    });
    for (const auto& rr : update.answers) {
        if (rr.ttl != 0)
            return refuse(Rcode::form_err, "a prerequisite with a TTL");
        if (!rr.owner.is_subdomain_of(zone.origin()))
            return refuse(Rcode::not_zone, rr.owner.to_text() + " is outside the zone");
        const bool empty = std::holds_alternative<Unknown>(rr.data) && std::get<Unknown>(rr.data).bytes.empty();
        if (rr.klass == RrClass::any) {
            if (!empty)
                return refuse(Rcode::form_err, "a prerequisite of class ANY with data");
            if (rr.type == RrType::any) {
                if (!zone.node(rr.owner))
                    return refuse(Rcode::nx_domain, rr.owner.to_text() + " is not in use");
            } else if (!zone.find(rr.owner, rr.type)) {
                return refuse(Rcode::nx_rrset, rr.owner.to_text() + " " + to_text(rr.type) + " does not exist");
            }
        } else if (rr.klass == RrClass::none) {
            if (!empty)
                return refuse(Rcode::form_err, "a prerequisite of class NONE with data");
            if (rr.type == RrType::any) {
                if (zone.node(rr.owner))
                    return refuse(Rcode::yx_domain, rr.owner.to_text() + " is in use");
            } else if (zone.find(rr.owner, rr.type)) {
                return refuse(Rcode::yx_rrset, rr.owner.to_text() + " " + to_text(rr.type) + " exists");
            }
        } else if (rr.klass == RrClass::in) {
            if (rr.type == RrType::any || is_meta(rr.type))
                return refuse(Rcode::form_err, "a prerequisite of a meta type");
            value_sets[{rr.owner, rr.type}].push_back(as_zone_data(rr));
        } else {
            return refuse(Rcode::form_err, "a prerequisite of class " + to_text(rr.klass));
        }
    }
    // "RRset exists (value dependent)": the zone's RRset is exactly the set given.
    for (auto& [key, wanted] : value_sets) {
        const RRset* set = zone.find(key.first, key.second);
        std::vector<Rdata> unique;
        for (auto& d : wanted)
            if (std::find(unique.begin(), unique.end(), d) == unique.end())
                unique.push_back(d);
        const bool same = set && set->rdatas.size() == unique.size() &&
                          std::all_of(unique.begin(), unique.end(), [&](const Rdata& d) { return has_data(set, d); });
        if (!same)
            return refuse(Rcode::nx_rrset, key.first.to_text() + " " + to_text(key.second) + " differs");
    }
    return std::nullopt;
}

bool granted(const UpdateGrant& grant, const Record& rr)
{
    const bool name_ok = grant.names.empty() || std::any_of(grant.names.begin(), grant.names.end(),
                                                            [&](const Name& n) { return rr.owner.is_subdomain_of(n); });
    const bool type_ok =
        grant.types.empty() || std::find(grant.types.begin(), grant.types.end(), rr.type) != grant.types.end();
    return name_ok && type_ok;
}

// §3.4.1: every update is checked before any is applied.
std::optional<UpdateResult> prescan(const Message& update, const Zone& zone, const UpdateGrant& grant)
{
    for (const auto& rr : update.authority) {
        if (!rr.owner.is_subdomain_of(zone.origin()))
            return refuse(Rcode::not_zone, rr.owner.to_text() + " is outside the zone");
        const bool empty = std::holds_alternative<Unknown>(rr.data) && std::get<Unknown>(rr.data).bytes.empty();
        if (rr.klass == RrClass::in) {
            if (is_meta(rr.type))
                return refuse(Rcode::form_err, "adding a record of a meta type");
            if (empty || (rr.type == RrType::soa && !std::holds_alternative<Soa>(rr.data)))
                return refuse(Rcode::form_err, "adding a record without its data");
        } else if (rr.klass == RrClass::any) {
            if (rr.ttl != 0 || !empty || (is_meta(rr.type) && rr.type != RrType::any))
                return refuse(Rcode::form_err, "a malformed RRset deletion");
        } else if (rr.klass == RrClass::none) {
            if (rr.ttl != 0 || is_meta(rr.type))
                return refuse(Rcode::form_err, "a malformed record deletion");
        } else {
            return refuse(Rcode::form_err, "an update of class " + to_text(rr.klass));
        }
        if (!granted(grant, rr))
            return refuse(Rcode::refused,
                          rr.owner.to_text() + " " + to_text(rr.type) + " is not granted to " + grant.key.to_text());
    }
    return std::nullopt;
}

// §3.4.2.2: an addition, with the CNAME and SOA rules; the RRset takes the new TTL.
void add(Zone& zone, const Record& rr)
{
    const bool apex = rr.owner == zone.origin();
    const Node* node = zone.node(rr.owner);
    if (rr.type == RrType::soa) {
        const RRset* current = zone.soa();
        if (!apex || !current || !serial_newer(std::get<Soa>(rr.data).serial, soa_serial(zone)))
            return;
        zone.remove_rrset(rr.owner, RrType::soa);
        zone.add(rr);
        return;
    }
    if (node) {
        const bool has_cname = node->find(RrType::cname) != nullptr;
        const bool has_other = std::any_of(node->rrsets.begin(), node->rrsets.end(),
                                           [](const RRset& s) { return s.type != RrType::cname; });
        if (rr.type == RrType::cname ? has_other : has_cname)
            return;
        if (rr.type == RrType::cname)
            zone.remove_rrset(rr.owner, RrType::cname);  // a CNAME replaces the CNAME
    }
    zone.add(rr);
    zone.set_ttl(rr.owner, rr.type, rr.ttl);
}

// §3.4.2.3–4: deletions, never of the apex SOA or the apex's last NS.
void remove(Zone& zone, const Record& rr)
{
    const bool apex = rr.owner == zone.origin();
    if (rr.klass == RrClass::any) {
        if (rr.type == RrType::any) {
            std::vector<RrType> types;
            if (const Node* node = zone.node(rr.owner))
                for (const auto& set : node->rrsets)
                    if (!apex || (set.type != RrType::soa && set.type != RrType::ns))
                        types.push_back(set.type);
            for (auto type : types)
                zone.remove_rrset(rr.owner, type);
        } else if (!apex || (rr.type != RrType::soa && rr.type != RrType::ns)) {
            zone.remove_rrset(rr.owner, rr.type);
        }
        return;
    }
    if (rr.type == RrType::soa)
        return;
    const RRset* set = zone.find(rr.owner, rr.type);
    if (apex && rr.type == RrType::ns && set && set->rdatas.size() == 1)
        return;
    const RRset* current = zone.find(rr.owner, rr.type);
    zone.remove(Record{rr.owner, rr.type, RrClass::in, current ? current->ttl : 0, as_zone_data(rr)});
}

}  // namespace

UpdateResult apply_update(const Message& update, const Zone& zone, const UpdateGrant& grant)
{
    if (update.questions.size() != 1 || update.questions[0].type != RrType::soa ||
        update.questions[0].klass != RrClass::in)
        return refuse(Rcode::form_err, "the zone section must hold one SOA question of class IN");
    if (auto failed = check_prerequisites(update, zone))
        return *failed;
    if (auto failed = prescan(update, zone, grant))
        return *failed;
    auto next = std::make_shared<Zone>(zone);
    std::vector<Name> touched;
    for (const auto& rr : update.authority) {
        if (rr.klass == RrClass::in)
            add(*next, Record{rr.owner, rr.type, RrClass::in, rr.ttl, as_zone_data(rr)});
        else
            remove(*next, rr);
        touched.push_back(rr.owner);
    }
    ZoneChange change = difference(zone, *next, touched);
    if (change.removed.size() == 1 && change.added.size() == 1 && change.removed[0] == change.added[0])
        return {};  // nothing but the SOA, which did not change either
    if (change.from_serial() == change.to_serial()) {
        // §3.6: the serial goes up when the zone changed and the update did not set it.
        Record soa = change.added.front();
        next->remove(soa);
        std::get<Soa>(soa.data).serial += 1;
        next->add(soa);
        change.added.front() = soa;
    }
    UpdateResult result;
    result.zone = std::move(next);
    result.change = std::move(change);
    return result;
}

}  // namespace layer7::dns
