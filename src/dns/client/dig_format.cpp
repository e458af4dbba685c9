// dig's presentation and the pure parts of +trace: see dig_format.hpp.
#include "dns/client/dig_format.hpp"

#include <algorithm>
#include <sstream>

#include "dns/wire/rdata_text.hpp"

namespace layer7::dns {

Message make_query(const Name& name, RrType type, std::uint16_t id, const DigOptions& options)
{
    Message q;
    q.id = id;
    q.flags.rd = options.recurse;
    q.flags.ad = options.edns;  // as dig: ask for the AD bit
    q.questions.push_back({name, type, RrClass::in});
    if (options.edns)
        q.edns = Edns{.udp_size = options.bufsize, .version = 0, .do_bit = options.dnssec, .options = {}};
    return q;
}

bool matches(const Message& query, const Message& reply)
{
    if (!reply.flags.qr || reply.id != query.id)
        return false;
    if (reply.questions.empty())  // FORMERR/NOTIMP replies may carry no question (RFC 1035 §4.1.1)
        return reply.rcode != Rcode::no_error;
    return reply.questions == query.questions ||
           (reply.questions.size() == 1 && query.questions.size() == 1 &&
            reply.questions[0].name == query.questions[0].name && reply.questions[0].type == query.questions[0].type &&
            reply.questions[0].klass == query.questions[0].klass);
}

std::string format_reply(const Message& reply, const ReplyInfo& info)
{
    std::string out = ";; Got answer:\n" + to_text(reply) + "\n";
    out += ";; Query time: " + std::to_string(info.elapsed_ms) + " msec\n";
    out += ";; SERVER: " + info.server + "#" + std::to_string(info.port) + "(" + info.server + ") (" +
           (info.tcp ? "TCP" : "UDP") + ")\n";
    if (!info.when.empty())
        out += ";; WHEN: " + info.when + "\n";
    out += ";; MSG SIZE  rcvd: " + std::to_string(info.size) + "\n";
    return out;
}

std::string format_short(const Message& reply)
{
    std::string out;
    for (auto& rr : reply.answers)
        out += to_text(rr.data) + "\n";
    return out;
}

std::string format_transfer(const Message& reply, const ReplyInfo& info, std::size_t messages)
{
    if (reply.rcode != Rcode::no_error)
        return "; Transfer failed.\n";
    std::string out;
    for (auto& rr : reply.answers)
        out += to_text(rr) + "\n";
    out += ";; Query time: " + std::to_string(info.elapsed_ms) + " msec\n";
    out += ";; SERVER: " + info.server + "#" + std::to_string(info.port) + "(" + info.server + ") (TCP)\n";
    if (!info.when.empty())
        out += ";; WHEN: " + info.when + "\n";
    out += ";; XFR size: " + std::to_string(reply.answers.size()) + " records (messages " + std::to_string(messages) +
           ", bytes " + std::to_string(info.size) + ")\n";
    return out;
}

bool TransferEnd::add(const std::vector<Record>& records)
{
    ++messages_;
    for (auto& rr : records) {
        ++records_;
        const auto* soa = std::get_if<Soa>(&rr.data);
        if (!serial_) {
            if (!soa)
                return true;  // not a transfer: nothing more will make it one
            serial_ = soa->serial;
            seen_ = 1;
            continue;
        }
        if (!soa)
            continue;
        if (records_ == 2 && ixfr_ && soa->serial != *serial_)
            needed_ = 3;  // SOA(new) SOA(old): differences follow, ended by SOA(new) a third time
        if (soa->serial == *serial_ && ++seen_ >= needed_)
            return true;
    }
    return ixfr_ && messages_ == 1 && records_ == 1 && serial_.has_value();
}

core::Result<std::vector<ServerAddress>, std::string> parse_root_hints(std::string_view text)
{
    std::vector<ServerAddress> servers;
    std::vector<std::pair<Name, std::string>> addresses;
    std::istringstream in{std::string(text)};
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (auto semi = line.find(';'); semi != std::string::npos)
            line.resize(semi);
        std::istringstream words(line);
        std::vector<std::string> w;
        for (std::string s; words >> s;)
            w.push_back(s);
        if (w.empty())
            continue;
        // OWNER [TTL] [CLASS] TYPE RDATA
        std::size_t i = 1;
        while (i < w.size() && (parse_ttl(w[i]) || w[i] == "IN" || w[i] == "in"))
            ++i;
        if (i + 1 >= w.size())
            return core::fail("root hints:" + std::to_string(number) + ": expected OWNER [TTL] [CLASS] TYPE RDATA");
        auto owner = Name::parse(w[0]);
        auto type = parse_type(w[i]);
        if (!owner.ok() || !type)
            return core::fail("root hints:" + std::to_string(number) + ": bad owner or type");
        if (*type == RrType::ns) {
            auto host = Name::parse(w[i + 1]);
            if (!host.ok())
                return core::fail("root hints:" + std::to_string(number) + ": bad name server name");
            if (!owner.value().is_root())
                continue;
            if (std::none_of(servers.begin(), servers.end(), [&](auto& s) { return s.name == host.value(); }))
                servers.push_back({host.value(), {}});
        } else if (*type == RrType::a || *type == RrType::aaaa) {
            addresses.emplace_back(owner.value(), w[i + 1]);
        }
    }
    for (auto& [name, address] : addresses)
        for (auto& s : servers)
            if (s.name == name)
                s.addresses.push_back(address);
    std::erase_if(servers, [](auto& s) { return s.addresses.empty(); });
    if (servers.empty())
        return core::fail(std::string("root hints: no root server with an address"));
    return servers;
}

Step classify(const Message& reply, const Name& qname, const Name& current_zone)
{
    Step step;
    const bool answered =
        std::any_of(reply.answers.begin(), reply.answers.end(), [&](const Record& r) { return r.owner == qname; });
    if (answered || reply.rcode == Rcode::nx_domain || (reply.flags.aa && reply.rcode == Rcode::no_error)) {
        step.kind =
            reply.rcode == Rcode::no_error || reply.rcode == Rcode::nx_domain ? StepKind::answer : StepKind::lame;
        return step;
    }
    if (reply.rcode != Rcode::no_error)
        return step;
    for (auto& rr : reply.authority) {
        auto* ns = std::get_if<Ns>(&rr.data);
        if (!ns)
            continue;
        // Down only: strictly below the zone we asked, and an ancestor of (or equal to) the name.
        if (!qname.is_subdomain_of(rr.owner) || !rr.owner.is_subdomain_of(current_zone) || rr.owner == current_zone)
            continue;
        if (step.kind == StepKind::referral && !(rr.owner == step.zone))
            continue;  // one zone per referral
        step.kind = StepKind::referral;
        step.zone = rr.owner;
        step.next.push_back({ns->host, {}});
    }
    for (auto& rr : reply.additional) {
        std::string address;
        if (auto* a = std::get_if<A>(&rr.data))
            address = to_text(Rdata(*a));
        else if (auto* aaaa = std::get_if<Aaaa>(&rr.data))
            address = to_text(Rdata(*aaaa));
        else
            continue;
        // Glue counts only for servers inside the delegated zone's parent's bailiwick.
        if (!rr.owner.is_subdomain_of(current_zone))
            continue;
        for (auto& s : step.next)
            if (s.name == rr.owner)
                s.addresses.push_back(address);
    }
    return step;
}

std::string format_trace_step(const Message& reply, const std::string& address, std::uint16_t port,
                              const std::string& server_name, std::size_t size, long elapsed_ms)
{
    std::string out;
    for (auto* section : {&reply.answers, &reply.authority})
        for (auto& rr : *section)
            out += to_text(rr) + "\n";
    if (reply.rcode != Rcode::no_error)
        out += ";; status: " + to_text(reply.rcode) + "\n";
    out += ";; Received " + std::to_string(size) + " bytes from " + address + "#" + std::to_string(port) + "(" +
           server_name + ") in " + std::to_string(elapsed_ms) + " ms\n\n";
    return out;
}

}  // namespace layer7::dns
