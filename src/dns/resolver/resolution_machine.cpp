// ResolutionMachine: cache first, then the closest known zone cut, then referrals downwards.
#include "dns/resolver/resolution_machine.hpp"

#include <algorithm>

namespace layer7::dns::resolver {
namespace {

std::vector<Record> with_ttl(const std::vector<Record>& records, std::uint32_t ttl)
{
    std::vector<Record> out = records;
    for (auto& r : out)
        r.ttl = std::min(r.ttl, ttl);
    return out;
}

void append(std::vector<Record>& to, const std::vector<Record>& from)
{
    to.insert(to.end(), from.begin(), from.end());
}

}  // namespace

ResolutionMachine::ResolutionMachine(Question question, Cache& cache, const IterationConfig& config)
    : cache_(cache), config_(config)
{
    frames_.push_back(Frame{std::move(question), {}, false, {}, {}, {}});
}

Step ResolutionMachine::start(Instant now)
{
    const Question& q = frames_.front().question;
    if (q.klass != RrClass::in || q.type == RrType::opt || q.type == RrType::axfr || q.type == RrType::ixfr)
        return fail(ResolveError::bad_question);
    return advance(now);
}

Step ResolutionMachine::fail(ResolveError error)
{
    Step s;
    s.kind = Step::Kind::fail;
    s.error = error;
    return s;
}

std::optional<Step> ResolutionMachine::finish(Step step)
{
    if (frames_.size() == 1)
        return step;
    frames_.pop_back();
    Frame& below = frames_.back();
    if (step.kind == Step::Kind::done)
        for (const auto& r : step.outcome.answers)
            add_address(below, r);
    return std::nullopt;  // the frame below goes on (with one pending host fewer)
}

std::optional<Step> ResolutionMachine::from_cache(Frame& frame, Instant now)
{
    for (;;) {
        Question& q = frame.question;
        // Only answer-grade data goes back to a client (RFC 2181 §5.4.1): glue and referral NS
        // are for finding servers.
        if (auto hit = cache_.find(q.name, q.type, now); hit && hit->trust >= Trust::answer) {
            Step s;
            s.kind = Step::Kind::done;
            s.outcome.answers = frame.chain;
            append(s.outcome.answers, with_ttl(*hit->records, hit->ttl));
            s.outcome.from_cache = queries_ == 0;
            return s;
        }
        if (auto neg = cache_.find_negative(q.name, q.type, now)) {
            Step s;
            s.kind = Step::Kind::done;
            s.outcome.rcode = neg->rcode;
            s.outcome.answers = frame.chain;
            if (neg->soa)
                s.outcome.authority.push_back(*neg->soa);
            s.outcome.from_cache = queries_ == 0;
            return s;
        }
        if (q.type == RrType::cname)
            return std::nullopt;
        auto cname = cache_.find(q.name, RrType::cname, now);
        if (!cname || cname->trust < Trust::answer || cname->records->empty())
            return std::nullopt;
        if (frame.chain.size() >= config_.limits.max_cname_chain)
            return fail(ResolveError::cname_chain_too_long);
        frame.chain.push_back(with_ttl(*cname->records, cname->ttl).front());
        q.name = std::get<Cname>(frame.chain.back().data).target;
    }
}

bool ResolutionMachine::resolving(const Name& host) const
{
    return std::any_of(frames_.begin(), frames_.end(), [&](const Frame& f) { return f.question.name == host; });
}

void ResolutionMachine::add_address(Frame& frame, const Record& record)
{
    std::optional<ServerAddress> address;
    if (const auto* a = std::get_if<A>(&record.data))
        address = ServerAddress::from(*a);
    else if (const auto* aaaa = std::get_if<Aaaa>(&record.data); aaaa && config_.limits.ipv6)
        address = ServerAddress::from(*aaaa);
    if (address && !candidate(frame, *address))
        frame.servers.push_back({*address, 0});
}

void ResolutionMachine::set_cut(Frame& frame, const Name& zone, const std::vector<Name>& hosts,
                                const std::vector<Record>& glue, Instant now)
{
    frame.have_cut = true;
    frame.zone = zone;
    frame.servers.clear();
    frame.pending_ns.clear();
    for (const auto& host : hosts) {
        std::size_t before = frame.servers.size();
        for (const auto& r : glue)
            if (r.owner == host)
                add_address(frame, r);
        for (RrType type : {RrType::a, RrType::aaaa})
            if (auto hit = cache_.find(host, type, now))
                for (const auto& r : *hit->records)
                    add_address(frame, r);
        // A host inside the zone it serves can only be found through glue from above: asking
        // the zone itself would loop, so such a host is not looked up.
        if (frame.servers.size() == before && !host.is_subdomain_of(zone) && !resolving(host))
            frame.pending_ns.push_back(host);
    }
}

void ResolutionMachine::choose_cut(Frame& frame, Instant now)
{
    // The closest enclosing zone we know servers for (RFC 1034 §5.3.3 step 2): a stub zone from
    // config, a cached NS RRset with addresses or names we can look up, or the root hints.
    for (Name name = frame.question.name;; name = name.parent()) {
        for (const auto& stub : config_.stubs) {
            if (stub.zone == name) {
                frame.have_cut = true;
                frame.zone = name;
                frame.servers.clear();
                frame.pending_ns.clear();
                for (const auto& s : stub.servers)
                    frame.servers.push_back({s, 0});
                return;
            }
        }
        if (name.is_root())
            break;
        auto ns = cache_.find(name, RrType::ns, now);
        if (!ns)
            continue;
        std::vector<Name> hosts;
        for (const auto& r : *ns->records)
            if (const auto* n = std::get_if<Ns>(&r.data))
                hosts.push_back(n->host);
        set_cut(frame, name, hosts, {}, now);
        if (!frame.servers.empty() || !frame.pending_ns.empty())
            return;
    }
    frame.have_cut = true;
    frame.zone = config_.root.zone;
    frame.servers.clear();
    frame.pending_ns.clear();
    for (const auto& s : config_.root.servers)
        frame.servers.push_back({s, 0});
}

ResolutionMachine::Candidate* ResolutionMachine::candidate(Frame& frame, const ServerAddress& address)
{
    for (auto& c : frame.servers)
        if (c.address == address)
            return &c;
    return nullptr;
}

Step ResolutionMachine::advance(Instant now)
{
    for (;;) {
        Frame& f = frames_.back();
        if (!f.have_cut) {
            if (auto s = from_cache(f, now)) {
                if (auto out = finish(std::move(*s)))
                    return std::move(*out);
                continue;
            }
            choose_cut(f, now);
        }
        Step send;
        send.kind = Step::Kind::send;
        for (const auto& c : f.servers)
            if (c.tries < config_.limits.tries_per_server)
                send.servers.push_back(c.address);
        if (!send.servers.empty()) {
            if (queries_ >= config_.limits.max_upstream_queries)
                return fail(ResolveError::too_many_queries);
            ++queries_;
            send.question = f.question;
            send.zone = f.zone;
            return send;
        }
        if (!f.pending_ns.empty() && frames_.size() < config_.limits.max_frames) {
            Name host = f.pending_ns.front();
            f.pending_ns.erase(f.pending_ns.begin());
            frames_.push_back(Frame{Question{host, RrType::a, RrClass::in}, {}, false, {}, {}, {}});
            continue;
        }
        auto error = f.servers.empty() ? ResolveError::no_servers : ResolveError::servers_failed;
        if (auto out = finish(fail(error)))
            return std::move(*out);
    }
}

Step ResolutionMachine::on_timeout(const ServerAddress& server, Instant now)
{
    if (auto* c = candidate(frames_.back(), server))
        ++c->tries;
    last_kind_.reset();
    return advance(now);
}

Step ResolutionMachine::on_response(const Message& response, const ServerAddress& from, Instant now)
{
    Frame& f = frames_.back();
    Candidate* asked = candidate(f, from);
    if (asked)
        ++asked->tries;
    Classified c = classify(response, f.question, f.zone, {config_.limits.max_cname_chain});
    last_kind_ = c.kind;
    last_dropped_ = c.out_of_bailiwick;
    const Trust trust = c.authoritative ? Trust::authoritative_answer : Trust::answer;
    for (const auto& cname : c.chain)
        cache_.insert(std::span(&cname, 1), trust, now);
    if (c.kind != ResponseKind::lame && f.chain.size() + c.chain.size() > config_.limits.max_cname_chain)
        return fail(ResolveError::cname_chain_too_long);

    switch (c.kind) {
    case ResponseKind::answer: {
        for (const auto& set : group_rrsets(c.answer))
            cache_.insert(set, trust, now);
        Step s;
        s.kind = Step::Kind::done;
        s.outcome.answers = std::move(f.chain);
        append(s.outcome.answers, c.chain);
        append(s.outcome.answers, c.answer);
        if (auto out = finish(std::move(s)))
            return std::move(*out);
        return advance(now);
    }
    case ResponseKind::nx_domain:
    case ResponseKind::no_data: {
        const Rcode rcode = c.kind == ResponseKind::nx_domain ? Rcode::nx_domain : Rcode::no_error;
        if (c.soa)
            cache_.insert_negative(c.target, f.question.type, rcode, *c.soa, now);
        Step s;
        s.kind = Step::Kind::done;
        s.outcome.rcode = rcode;
        s.outcome.answers = std::move(f.chain);
        append(s.outcome.answers, c.chain);
        if (c.soa)
            s.outcome.authority.push_back(*c.soa);
        if (auto out = finish(std::move(s)))
            return std::move(*out);
        return advance(now);
    }
    case ResponseKind::cname:
        append(f.chain, c.chain);
        f.question.name = c.target;
        f.have_cut = false;
        return advance(now);
    case ResponseKind::referral: {
        if (++referrals_ > config_.limits.max_referrals)
            return fail(ResolveError::too_many_referrals);
        cache_.insert(c.ns, Trust::authority, now);
        for (const auto& set : group_rrsets(c.glue))
            cache_.insert(set, Trust::glue, now);
        std::vector<Name> hosts;
        for (const auto& r : c.ns)
            hosts.push_back(std::get<Ns>(r.data).host);
        set_cut(f, c.cut, hosts, c.glue, now);
        return advance(now);
    }
    case ResponseKind::lame:
        if (asked)
            asked->tries = config_.limits.tries_per_server;  // this server will not do better
        return advance(now);
    }
    return advance(now);
}

}  // namespace layer7::dns::resolver
