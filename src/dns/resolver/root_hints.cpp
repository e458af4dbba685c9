// Root hints through the zone parser: the file is a zone at "." without an SOA, so one is supplied.
#include "dns/resolver/root_hints.hpp"

#include "dns/zone/zone_parser.hpp"

namespace layer7::dns::resolver {

core::Result<Delegation, std::string> parse_root_hints(std::string_view text, std::string_view file, bool ipv6)
{
    // parse_zone() checks for an SOA at the apex; the hints have none, so a placeholder goes on
    // a line of its own before the file (error line numbers are shifted back below).
    std::string zone_text = ". 0 IN SOA . . 0 0 0 0 0\n";
    zone_text.append(text);
    auto zone = parse_zone(zone_text, Name::root(), file);
    if (!zone) {
        ZoneError e = zone.error();
        if (e.line > 0)
            --e.line;
        return core::fail(to_text(e));
    }
    const RRset* ns = zone->find(Name::root(), RrType::ns);
    if (!ns)
        return core::fail(std::string(file) + ": no NS records for the root");
    Delegation root;
    for (const auto& rdata : ns->rdatas) {
        const Name& host = std::get<Ns>(rdata).host;
        if (const RRset* a = zone->find(host, RrType::a))
            for (const auto& r : a->rdatas)
                root.servers.push_back(ServerAddress::from(std::get<A>(r)));
        if (const RRset* aaaa = zone->find(host, RrType::aaaa); aaaa && ipv6)
            for (const auto& r : aaaa->rdatas)
                root.servers.push_back(ServerAddress::from(std::get<Aaaa>(r)));
    }
    if (root.servers.empty())
        return core::fail(std::string(file) + ": no addresses for the root name servers");
    return root;
}

}  // namespace layer7::dns::resolver
