// classify(): bailiwick scrubbing, then the RFC 1034 §5.3.3 / RFC 2308 §2 case analysis.
#include "dns/resolver/classify.hpp"

#include <algorithm>

namespace layer7::dns::resolver {
namespace {

std::vector<Record> in_bailiwick(const std::vector<Record>& records, const Name& zone, std::size_t& dropped)
{
    std::vector<Record> out;
    out.reserve(records.size());
    for (const auto& r : records) {
        // Only class IN is resolved; anything else in a reply is ignored like foreign data.
        if (r.owner.is_subdomain_of(zone) && r.klass == RrClass::in)
            out.push_back(r);
        else
            ++dropped;
    }
    return out;
}

bool is_error(Rcode rcode)
{
    return rcode != Rcode::no_error && rcode != Rcode::nx_domain;
}

}  // namespace

bool answers_query(const Message& query, const Message& response)
{
    return response.flags.qr && response.id == query.id && response.flags.opcode == query.flags.opcode &&
           response.questions.size() == 1 && query.questions.size() == 1 && response.questions[0] == query.questions[0];
}

std::vector<std::vector<Record>> group_rrsets(const std::vector<Record>& records)
{
    std::vector<std::vector<Record>> sets;
    for (const auto& r : records) {
        auto it = std::find_if(sets.begin(), sets.end(), [&](const auto& s) {
            return s.front().type == r.type && s.front().klass == r.klass && s.front().owner == r.owner;
        });
        if (it == sets.end())
            sets.push_back({r});
        else
            it->push_back(r);
    }
    return sets;
}

Classified classify(const Message& response, const Question& question, const Name& zone, const ClassifyLimits& limits)
{
    Classified c;
    c.authoritative = response.flags.aa;
    c.target = question.name;
    if (is_error(response.rcode) || response.flags.tc)
        return c;  // lame: SERVFAIL, REFUSED, NOTIMP, FORMERR… (TC is the shell's to retry on TCP)

    const auto answers = in_bailiwick(response.answers, zone, c.out_of_bailiwick);
    const auto authority = in_bailiwick(response.authority, zone, c.out_of_bailiwick);
    const auto additional = in_bailiwick(response.additional, zone, c.out_of_bailiwick);
    if (!question.name.is_subdomain_of(zone))
        return c;  // we never ask a server about names outside its zone: nothing here can be used

    // Walk the answer section from the question name through CNAMEs (RFC 1034 §4.3.2 step 3a).
    for (std::size_t hops = 0;; ++hops) {
        for (const auto& r : answers)
            if (r.owner == c.target && (r.type == question.type || question.type == RrType::any))
                c.answer.push_back(r);
        if (!c.answer.empty()) {
            c.kind = ResponseKind::answer;
            return c;
        }
        if (question.type == RrType::cname || hops >= limits.max_chain)
            break;
        auto cname = std::find_if(answers.begin(), answers.end(),
                                  [&](const Record& r) { return r.owner == c.target && r.type == RrType::cname; });
        if (cname == answers.end())
            break;
        c.chain.push_back(*cname);
        c.target = std::get<Cname>(cname->data).target;
    }

    // A negative answer carries the SOA of a zone enclosing the final name (RFC 2308 §3).
    for (const auto& r : authority)
        if (r.type == RrType::soa && c.target.is_subdomain_of(r.owner) && std::holds_alternative<Soa>(r.data))
            c.soa = r;
    if (response.rcode == Rcode::nx_domain) {
        c.kind = ResponseKind::nx_domain;
        return c;
    }

    // A referral: NS for a zone strictly below the one asked, enclosing the final name (§4.3.2 3b).
    if (!c.soa) {
        for (const auto& r : authority) {
            if (r.type != RrType::ns || !std::holds_alternative<Ns>(r.data))
                continue;
            if (!(r.owner.is_subdomain_of(zone) && !(r.owner == zone) && c.target.is_subdomain_of(r.owner)))
                continue;
            if (c.ns.empty() || r.owner.label_count() > c.cut.label_count()) {
                c.ns.clear();
                c.cut = r.owner;
            }
            if (r.owner == c.cut)
                c.ns.push_back(r);
        }
        if (!c.ns.empty() && c.chain.empty()) {
            for (const auto& r : additional) {
                if (r.type != RrType::a && r.type != RrType::aaaa)
                    continue;
                bool named = std::any_of(c.ns.begin(), c.ns.end(),
                                         [&](const Record& ns) { return std::get<Ns>(ns.data).host == r.owner; });
                if (named)
                    c.glue.push_back(r);
            }
            c.kind = ResponseKind::referral;
            return c;
        }
        c.ns.clear();
    }

    if (!c.chain.empty()) {
        // The chain left this server's data: NODATA only if it said so with an SOA.
        c.kind = c.soa ? ResponseKind::no_data : ResponseKind::cname;
        return c;
    }
    // NODATA (RFC 2308 §2.2): an SOA, or an authoritative empty answer without a referral.
    if (c.soa || response.flags.aa) {
        c.kind = ResponseKind::no_data;
        return c;
    }
    return c;  // lame: a non-authoritative empty reply, or an upward referral
}

}  // namespace layer7::dns::resolver
