// Test zones from the textbook's world: networkutopia.com (with a delegation to eng.) and
// hamburger.edu.
#pragma once

#include <gtest/gtest.h>

#include "dns/zone/zone_parser.hpp"

inline const char* networkutopia_zone = R"($TTL 3600
@       IN SOA dns1 admin 2024010101 7200 3600 1209600 300
@       NS    dns1
@       NS    dns2
@       MX    10 mail
dns1    A     212.212.212.1
dns2    A     212.212.212.2
www     A     212.212.212.80
mail    A     212.212.212.25
mail    AAAA  2001:db8::25
ftp     CNAME www
alias   CNAME ftp
loop1   CNAME loop2
loop2   CNAME loop1
out     CNAME www.hamburger.edu.
*.dyn   A     212.212.212.99
*.dyn   MX    5 mail
a.b     TXT   "b is an empty non-terminal"
_http._tcp SRV 0 0 80 www
eng     NS    dns.eng
eng     NS    dns.hamburger.edu.
dns.eng A     212.212.212.53
)";

inline const char* hamburger_zone = R"($TTL 86400
@    SOA dns admin 1 7200 3600 1209600 600
@    NS  dns
@    MX  10 mail
dns  A   128.119.40.1
www  A   128.119.40.186
mail A   128.119.40.111
)";

inline layer7::dns::ZoneSet textbook_zones()
{
    using namespace layer7::dns;
    ZoneSet set;
    for (auto [text, origin] :
         {std::pair{networkutopia_zone, "networkutopia.com."}, std::pair{hamburger_zone, "hamburger.edu."}}) {
        auto zone = parse_zone(text, Name::parse(origin).value(), origin);
        EXPECT_TRUE(zone.ok()) << to_text(zone.error());
        set.add(std::move(zone).value());
    }
    return set;
}
