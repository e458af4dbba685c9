// The textbook's zones that `up` serves on [dns]: each parses, and the hosts the book names are there.
#include "demo/zones.hpp"

#include <gtest/gtest.h>

#include "dns/server/zone_files.hpp"

namespace layer7::demo {
namespace {

TEST(TextbookZones, LoadAndHoldTheBooksHosts)
{
    auto zones = dns::load_zones({}, textbook_zones());
    ASSERT_TRUE(zones.ok()) << zones.error();
    EXPECT_EQ(zones.value()->zones().size(), textbook_zones().size());
    EXPECT_TRUE(zones.value()->find(dns::Name::parse("mail.crepes.fr.").value()));
    EXPECT_TRUE(zones.value()->find(dns::Name::parse("www.hamburger.edu.").value()));
    EXPECT_TRUE(zones.value()->find(dns::Name::parse("dns1.networkutopia.com.").value()));
}

}  // namespace
}  // namespace layer7::demo
