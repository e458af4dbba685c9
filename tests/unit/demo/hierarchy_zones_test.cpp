#include "demo/hierarchy_zones.hpp"

#include <gtest/gtest.h>

#include "dns/zone/zone_parser.hpp"

namespace layer7::demo {
namespace {

const std::array<std::string, hierarchy_size> addresses = {"127.0.53.2", "127.0.53.3", "127.0.53.4", "127.0.53.5",
                                                           "127.0.53.6", "127.0.53.7", "127.0.53.8", "127.0.53.9"};

const HierarchyZone& zone(const Hierarchy& h, const std::string& origin)
{
    for (const auto& z : h.zones)
        if (z.origin == origin)
            return z;
    throw std::runtime_error("no zone " + origin);
}

TEST(HierarchyZones, EveryZoneIsAMasterFileOurParserLoads)
{
    const Hierarchy h = make_hierarchy(addresses);
    ASSERT_EQ(h.zones.size(), hierarchy_size);
    ASSERT_EQ(h.servers.size(), hierarchy_size);
    for (std::size_t i = 0; i < hierarchy_size; ++i) {
        const auto& z = h.zones[i];
        EXPECT_EQ(h.servers[i].origin, z.origin);
        EXPECT_EQ(h.servers[i].address, addresses[i]);
        EXPECT_EQ(z.text.find('{'), std::string::npos) << z.text;  // every placeholder filled
        auto parsed = dns::parse_zone(z.text, dns::Name::parse(z.origin).value(), z.file);
        EXPECT_TRUE(parsed.ok()) << z.file << ": " << (parsed.ok() ? "" : dns::to_text(parsed.error()));
    }
    EXPECT_EQ(zone(h, ".").file, "root.zone");
    EXPECT_EQ(zone(h, "hamburger.edu.").file, "hamburger.edu.zone");
}

TEST(HierarchyZones, ParentsDelegateWithGlueToTheChildsServer)
{
    const Hierarchy h = make_hierarchy(addresses);
    const std::string& root = zone(h, ".").text;
    EXPECT_NE(root.find("edu.                     172800 IN NS a.edu-servers.edu."), std::string::npos);
    EXPECT_NE(root.find("a.edu-servers.edu.       172800 IN A  127.0.53.4"), std::string::npos);
    const std::string& edu = zone(h, "edu.").text;
    EXPECT_NE(edu.find("hamburger.edu.           172800 IN NS dns.hamburger.edu."), std::string::npos);
    EXPECT_NE(edu.find("dns.hamburger.edu.       172800 IN A  127.0.53.8"), std::string::npos);
    EXPECT_NE(zone(h, "hamburger.edu.").text.find("dns      IN A     127.0.53.8"), std::string::npos);
    EXPECT_NE(zone(h, "fr.").text.find("dns.crepes.fr.           172800 IN A  127.0.53.9"), std::string::npos);
    EXPECT_NE(h.root_hints.find("a.root-servers.test.     3600000      A     127.0.53.2"), std::string::npos);
}

TEST(HierarchyZones, MailAndWebPointAtTheServicesOfUp)
{
    HierarchyHosts hosts;
    hosts.web = "127.0.0.7";
    hosts.bob_mail = "127.0.9.100";
    const Hierarchy h = make_hierarchy(addresses, hosts);
    const std::string& hamburger = zone(h, "hamburger.edu.").text;
    EXPECT_NE(hamburger.find("@        IN MX    10 mail"), std::string::npos);
    EXPECT_NE(hamburger.find("mail     IN A     127.0.9.100"), std::string::npos);
    EXPECT_NE(hamburger.find("serverEast.backup2 IN A 127.0.0.7"), std::string::npos);
    EXPECT_NE(zone(h, "crepes.fr.").text.find("mail     IN A     127.0.0.1"), std::string::npos);
}

}  // namespace
}  // namespace layer7::demo
