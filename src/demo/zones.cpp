// The embedded textbook zones: see zones.hpp.
#include "demo/zones.hpp"

namespace layer7::demo {

const std::vector<dns::EmbeddedZone>& textbook_zones()
{
    static const std::vector<dns::EmbeddedZone> zones = {
        {"networkutopia.com.", R"($ORIGIN networkutopia.com.
$TTL 3600
; The textbook's start-up registers dns1.networkutopia.com with the .com TLD servers.
@       IN SOA  dns1 admin 2024010101 7200 3600 1209600 300
@       IN NS   dns1
@       IN NS   dns2
@       IN MX   10 mail
@       IN A    212.212.212.80
dns1    IN A    212.212.212.1
dns2    IN A    212.212.212.2
www     IN A    212.212.212.80
mail    IN A    212.212.212.25
ftp     IN CNAME www
)"},
        {"crepes.fr.", R"($ORIGIN crepes.fr.
$TTL 3600
; Alice's domain in the mail chapter; everything on this host.
@       IN SOA  dns admin 2024010101 7200 3600 1209600 300
@       IN NS   dns
@       IN MX   10 mail
@       IN A    127.0.0.1
dns     IN A    127.0.0.1
mail    IN A    127.0.0.1
www     IN A    127.0.0.1
smtp    IN CNAME mail
)"},
        {"hamburger.edu.", R"($ORIGIN hamburger.edu.
$TTL 3600
; Bob's domain in the mail chapter; www is an alias of a canonical name, as in §2.4.
@       IN SOA  dns admin 2024010101 7200 3600 1209600 300
@       IN NS   dns
@       IN MX   10 mail
@       IN A    127.0.0.1
dns     IN A    127.0.0.1
mail    IN A    127.0.0.2   ; Bob's SMTP server of `layer7 up` (Alice's is on 127.0.0.1)
www     IN CNAME serverEast.backup2
serverEast.backup2 IN A 127.0.0.1
)"},
    };
    return zones;
}

}  // namespace layer7::demo
