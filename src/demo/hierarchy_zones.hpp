// The textbook's DNS hierarchy (§2.4.2) as zone files: a root server, the TLD servers of com, edu
// and fr, and the authoritative servers of networkutopia.com, umass.edu (gaia.cs.umass.edu, the
// iterated-query example), hamburger.edu and crepes.fr, each on its own address. `layer7 up` serves
// them on loopback so `dig +trace` and the resolver walk root → TLD → authoritative offline. Pure:
// returns texts, the caller writes and serves them.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

namespace layer7::demo {

struct HierarchyServer {
    std::string name;     // "a.root-servers.test."
    std::string address;  // "127.0.53.2"
    std::string origin;   // the zone it serves: "." , "edu.", "hamburger.edu."
};

struct HierarchyZone {
    std::string origin;  // "hamburger.edu."
    std::string file;    // "hamburger.edu.zone" ("root.zone" for ".")
    std::string text;    // an RFC 1035 master file with $ORIGIN and $TTL
};

struct Hierarchy {
    std::vector<HierarchyServer> servers;  // root first
    std::vector<HierarchyZone> zones;      // in the order of `servers`
    std::string root_hints;                // as /usr/share/dns/root.hints: the root's NS and A
};

inline constexpr std::size_t hierarchy_size = 8;  // servers, one zone each

// Where the textbook's hosts live (the services of `layer7 up`).
struct HierarchyHosts {
    std::string web = "127.0.0.1";         // www.hamburger.edu, www.crepes.fr: the demo web site
    std::string alice_mail = "127.0.0.1";  // mail.crepes.fr: Alice's SMTP server
    std::string bob_mail = "127.0.0.2";    // mail.hamburger.edu: Bob's SMTP server
};

// `addresses` in server order: root, com, edu, fr, networkutopia.com, umass.edu, hamburger.edu, crepes.fr.
Hierarchy make_hierarchy(const std::array<std::string, hierarchy_size>& addresses, const HierarchyHosts& hosts = {});

}  // namespace layer7::demo
