// A private DNS tree for the pure resolver tests: authoritative servers as ZoneSets answered by
// dns::answer(), reachable by address. Root → com/edu → networkutopia.com, umass.edu, oob.com
// (whose NS, ns.umass.edu, has no glue: out of bailiwick).
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "dns/authority/answer.hpp"
#include "dns/resolver/resolution_machine.hpp"
#include "dns/zone/zone_parser.hpp"

namespace fake {

using namespace layer7::dns;
using namespace layer7::dns::resolver;

inline Name n(std::string_view t)
{
    return Name::parse(t).value();
}
inline ServerAddress addr(std::string_view t)
{
    return *ServerAddress::parse(t);
}

inline Zone zone(const char* origin, const std::string& text)
{
    auto z = parse_zone(text, n(origin), origin);
    EXPECT_TRUE(z.ok()) << (z.ok() ? "" : to_text(z.error()));
    return std::move(z).value();
}

inline const std::string soa = "@ SOA ns hostmaster 1 3600 600 86400 300\n";

struct Network {
    std::map<std::string, ZoneSet> servers;  // by ServerAddress::to_text()
    std::map<std::string, int> queries;      // per server
    IterationConfig config;

    Network()
    {
        add("10.0.0.1", zone(".", "$TTL 86400\n" + soa + R"(
@ NS a.root.
a.root. A 10.0.0.1
com. NS ns.com.
ns.com. A 10.0.0.2
edu. NS ns.edu.
ns.edu. A 10.0.0.3
)"));
        add("10.0.0.2", zone("com.", "$TTL 86400\n" + soa + R"(
@ NS ns
ns A 10.0.0.2
networkutopia NS dns1.networkutopia
dns1.networkutopia A 10.0.0.4
oob NS ns.umass.edu.
)"));
        add("10.0.0.3", zone("edu.", "$TTL 86400\n" + soa + R"(
@ NS ns
ns A 10.0.0.3
umass NS dns.umass
dns.umass A 10.0.0.5
)"));
        add("10.0.0.4", zone("networkutopia.com.", "$TTL 3600\n" + soa + R"(
@ NS dns1
dns1 A 10.0.0.4
www A 212.212.212.80
ftp CNAME www
alias CNAME www.umass.edu.
loop1 CNAME loop2
loop2 CNAME loop1
short 2 A 212.212.212.2
)"));
        add("10.0.0.5", zone("umass.edu.", "$TTL 3600\n" + soa + R"(
@ NS dns
dns A 10.0.0.5
ns A 10.0.0.5
www A 128.119.245.12
)"));
        add("10.0.0.5", zone("oob.com.", "$TTL 3600\n" + soa + R"(
@ NS ns.umass.edu.
www A 10.9.9.9
)"));
        config.root = {Name::root(), {addr("10.0.0.1")}};
    }

    void add(const char* address, Zone z) { servers[addr(address).to_text()].add(std::move(z)); }

    // What the server at `to` replies to `q`; nullopt when nothing listens there (a timeout).
    std::optional<Message> ask(const ServerAddress& to, const Question& q)
    {
        ++queries[to.to_text()];
        auto it = servers.find(to.to_text());
        if (it == servers.end())
            return std::nullopt;
        Message query;
        query.id = 7;
        query.questions.push_back(q);
        return answer(query, it->second);
    }

    int total() const
    {
        int t = 0;
        for (auto& [k, v] : queries)
            t += v;
        return t;
    }

    // Runs a machine to the end, always asking the first offered server.
    Step run(ResolutionMachine& m, Instant now)
    {
        Step s = m.start(now);
        for (int guard = 0; s.kind == Step::Kind::send && guard < 1000; ++guard) {
            const ServerAddress to = s.servers.front();
            auto reply = ask(to, s.question);
            s = reply ? m.on_response(*reply, to, now) : m.on_timeout(to, now);
        }
        return s;
    }

    Step resolve(Cache& cache, std::string_view name, RrType type, Instant now)
    {
        ResolutionMachine m(Question{n(name), type, RrClass::in}, cache, config);
        return run(m, now);
    }
};

inline std::vector<std::string> lines(const std::vector<Record>& records)
{
    std::vector<std::string> out;
    for (auto& r : records)
        out.push_back(to_text(r));
    return out;
}

}  // namespace fake
