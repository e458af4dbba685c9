// Zone origins from $ORIGIN, the SOA owner or the file name; loading the embedded zones.
#include "dns/server/zone_files.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

TEST(ZoneFiles, GuessOrigin)
{
    EXPECT_EQ(guess_origin("; comment\n$TTL 1h\n$ORIGIN crepes.fr.\n@ SOA a b 1 2 3 4 5\n", "x"), "crepes.fr.");
    EXPECT_EQ(guess_origin("$ORIGIN crepes.fr\n", "x"), "crepes.fr.");
    EXPECT_EQ(guess_origin("$ORIGIN .\n", "x"), ".");
    EXPECT_EQ(guess_origin("$TTL 60\nexample.com. IN SOA a b 1 2 3 4 5\n", "x"), "example.com.");
    EXPECT_EQ(guess_origin("@ IN SOA a b 1 2 3 4 5\n", "/tmp/zones/umass.edu.zone"), "umass.edu.");
    EXPECT_EQ(guess_origin("@ IN SOA a b 1 2 3 4 5\n", "db.example.org"), "example.org.");
    EXPECT_EQ(guess_origin("", "/tmp/x/"), "");
}

TEST(ZoneFiles, EmbeddedZonesLoad)
{
    const std::vector<EmbeddedZone> embedded{
        {"example.org.", "$TTL 60\n@ IN SOA ns admin 1 2 3 4 5\n@ IN NS ns\nns IN A 192.0.2.1\n"}};
    auto zones = load_zones({}, embedded);
    ASSERT_TRUE(zones.ok()) << zones.error();
    EXPECT_EQ(zones.value()->zones().size(), 1u);
    EXPECT_TRUE(zones.value()->find(Name::parse("ns.example.org.").value()));
}

TEST(ZoneFiles, AnEmbeddedZoneThatDoesNotParseIsAnError)
{
    auto zones = load_zones({}, {{"example.org.", "@ IN NS ns\n"}});
    ASSERT_FALSE(zones.ok());
    EXPECT_NE(zones.error().find("<embedded example.org.>"), std::string::npos) << zones.error();
}

TEST(ZoneFiles, MissingFileIsAnError)
{
    auto zones = load_zones({"/nonexistent/zone"});
    ASSERT_FALSE(zones.ok());
    EXPECT_NE(zones.error().find("/nonexistent/zone"), std::string::npos);
}
