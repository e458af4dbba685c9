// Zone origins from $ORIGIN, the SOA owner or the file name; loading the embedded zones.
#include "dns/server/zone_files.hpp"

#include <gtest/gtest.h>

#include "dns/server/default_zones.hpp"

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
    auto zones = load_zones({}, true);
    ASSERT_TRUE(zones.ok()) << zones.error();
    EXPECT_EQ(zones.value()->zones().size(), default_zones().size());
    EXPECT_TRUE(zones.value()->find(Name::parse("mail.crepes.fr.").value()));
    EXPECT_TRUE(zones.value()->find(Name::parse("www.hamburger.edu.").value()));
    EXPECT_TRUE(zones.value()->find(Name::parse("dns1.networkutopia.com.").value()));
}

TEST(ZoneFiles, MissingFileIsAnError)
{
    auto zones = load_zones({"/nonexistent/zone"}, false);
    ASSERT_FALSE(zones.ok());
    EXPECT_NE(zones.error().find("/nonexistent/zone"), std::string::npos);
}
