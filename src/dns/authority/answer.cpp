// answer(): referral, CNAME chains, wildcards, negative answers with the SOA (RFC 2308 §3),
// additional-section addresses, EDNS and error replies.
#include "dns/authority/answer.hpp"

#include <algorithm>

namespace layer7::dns {
namespace {

Message skeleton(const Message& query, const AnswerOptions& options)
{
    Message r;
    r.id = query.id;
    r.flags.qr = true;
    r.flags.opcode = query.flags.opcode;
    // RD, CD and DO ask something of a QUERY; a reply to another opcode does not echo them.
    const bool is_query = query.flags.opcode == Opcode::query;
    r.flags.rd = is_query && query.flags.rd;  // RFC 1035 §4.1.1: copied
    r.flags.cd = is_query && query.flags.cd;  // RFC 4035 §3.1.6: copied
    if (query.edns)                           // RFC 3225 §3: the DO bit is copied
        r.edns =
            Edns{.udp_size = options.udp_size, .version = 0, .do_bit = is_query && query.edns->do_bit, .options = {}};
    return r;
}

void append(std::vector<Record>& to, std::vector<Record> records)
{
    for (auto& r : records)
        to.push_back(std::move(r));
}

// RFC 2308 §3: the SOA in authority, its TTL the lesser of its own TTL and its MINIMUM.
void add_negative_soa(const Zone& zone, Message& r)
{
    const RRset* soa = zone.soa();
    if (!soa)
        return;
    Record rr = soa->records().front();
    rr.ttl = std::min(rr.ttl, std::get<Soa>(rr.data).minimum);
    r.authority.push_back(std::move(rr));
}

bool has(const std::vector<Record>& records, const Name& name, RrType type)
{
    return std::any_of(records.begin(), records.end(),
                       [&](const Record& r) { return r.type == type && r.owner == name; });
}

// A and AAAA for NS, MX and SRV targets inside the zone (RFC 1034 §4.3.2 step 6; glue at a referral).
void add_addresses(const Zone& zone, Message& r)
{
    std::vector<Name> targets;
    for (auto* section : {&r.answers, &r.authority}) {
        for (auto& rr : *section) {
            if (auto* ns = std::get_if<Ns>(&rr.data))
                targets.push_back(ns->host);
            else if (auto* mx = std::get_if<Mx>(&rr.data))
                targets.push_back(mx->exchange);
            else if (auto* srv = std::get_if<Srv>(&rr.data))
                targets.push_back(srv->target);
        }
    }
    for (auto& target : targets) {
        if (!target.is_subdomain_of(zone.origin()))
            continue;
        for (RrType type : {RrType::a, RrType::aaaa}) {
            const RRset* set = zone.find(target, type);
            if (set && !has(r.answers, target, type) && !has(r.additional, target, type))
                append(r.additional, set->records());
        }
    }
}

void resolve(const Zone& zone, const Question& q, Message& r, const AnswerOptions& options)
{
    Name name = q.name;
    for (std::size_t followed = 0;; ++followed) {
        if (!name.is_subdomain_of(zone.origin()))
            return;  // a CNAME left the zone: the resolver follows it from here
        const auto located = zone.locate(name);
        if (const RRset* cut = zone.delegation(name, located.node)) {
            r.flags.aa = !r.answers.empty();  // a referral is not authoritative data
            append(r.authority, cut->records());
            return;
        }
        r.flags.aa = true;
        const Node* node = located.node;
        if (!node && located.exists) {
            add_negative_soa(zone, r);  // an empty non-terminal: NODATA, never a wildcard (RFC 4592 §2.2.2)
            return;
        }
        if (!node)
            node = zone.wildcard(zone.closest_encloser(name));  // RFC 4592 §3.3
        if (!node) {
            r.rcode = Rcode::nx_domain;  // RFC 6604: the rcode speaks of the last name in the chain
            add_negative_soa(zone, r);
            return;
        }
        if (q.type == RrType::any && !node->rrsets.empty()) {
            append(r.answers, node->rrsets.front().records_as(name));  // RFC 8482 §4.2: one RRset
            return;
        }
        if (const RRset* set = node->find(q.type)) {
            append(r.answers, set->records_as(name));
            return;
        }
        const RRset* cname = node->find(RrType::cname);
        if (!cname) {
            add_negative_soa(zone, r);  // NODATA (RFC 2308 §2.2)
            return;
        }
        append(r.answers, cname->records_as(name));
        name = std::get<Cname>(cname->rdatas.front()).target;
        if (followed + 1 >= options.max_cname_chain || has(r.answers, name, RrType::cname))
            return;  // long chain or a loop: the answer so far is what we have
    }
}

}  // namespace

Message answer(const Message& query, const ZoneSet& zones, const AnswerOptions& options)
{
    Message r = skeleton(query, options);
    if (query.flags.qr) {
        r.rcode = Rcode::form_err;
        return r;
    }
    if (query.flags.opcode != Opcode::query) {
        r.questions = query.questions;
        r.rcode = Rcode::not_imp;
        return r;
    }
    if (query.edns && query.edns->version > 0) {
        r.rcode = Rcode::bad_vers;  // RFC 6891 §6.1.3
        return r;
    }
    if (query.questions.size() != 1) {
        r.rcode = Rcode::form_err;
        return r;
    }
    const Question& q = query.questions.front();
    r.questions.push_back(q);  // as sent: mixed case survives (draft-vixie-dnsext-dns0x20)
    if (q.type == RrType::opt) {
        r.rcode = Rcode::form_err;
        return r;
    }
    if (q.type == RrType::axfr) {
        r.rcode = Rcode::not_imp;
        return r;
    }
    const Zone* zone = (q.klass == RrClass::in || q.klass == RrClass::any) ? zones.find(q.name) : nullptr;
    if (!zone) {
        r.rcode = Rcode::refused;  // not ours: no recursion here
        return r;
    }
    if (q.type == RrType::ixfr) {
        // RFC 1995 §2: over UDP, our current SOA alone — "you are current" or "ask again on TCP",
        // where axfr() sends the whole zone (we keep no history to send differences from).
        if (!(zone->origin() == q.name)) {
            r.rcode = Rcode::not_auth;
            return r;
        }
        r.flags.aa = true;
        if (const RRset* soa = zone->soa())
            r.answers.push_back(soa->records().front());
        return r;
    }
    resolve(*zone, q, r, options);
    add_addresses(*zone, r);
    return r;
}

std::size_t udp_reply_size(const Message& query)
{
    if (!query.edns)
        return 512;
    return std::clamp<std::size_t>(query.edns->udp_size, 512, 4096);
}

}  // namespace layer7::dns
