// The textbook's hierarchy as zone files: see hierarchy_zones.hpp. Each zone is a template whose
// {placeholders} are the servers' addresses (glue in the parent, the NS host's A in the child).
#include "demo/hierarchy_zones.hpp"

#include <map>

namespace layer7::demo {

namespace {

struct Template {
    const char* server;  // the NS host serving `origin`
    const char* origin;
    const char* body;  // after the SOA; {key} is replaced by the address or host named key
};

// Delegations carry glue (A records of in-bailiwick NS hosts), as the real root and TLDs do.
constexpr Template templates[hierarchy_size] = {
    {"a.root-servers.test.", ".", R"(.                        518400 IN NS a.root-servers.test.
a.root-servers.test.     518400 IN A  {root}
com.                     172800 IN NS a.gtld.com.
a.gtld.com.              172800 IN A  {com}
edu.                     172800 IN NS a.edu-servers.edu.
a.edu-servers.edu.       172800 IN A  {edu}
fr.                      172800 IN NS d.nic.fr.
d.nic.fr.                172800 IN A  {fr}
)"},
    {"a.gtld.com.", "com.", R"(@                        172800 IN NS a.gtld.com.
a.gtld.com.              172800 IN A  {com}
networkutopia.com.       172800 IN NS dns1.networkutopia.com.
dns1.networkutopia.com.  172800 IN A  {networkutopia}
)"},
    {"a.edu-servers.edu.", "edu.", R"(@                        172800 IN NS a.edu-servers.edu.
a.edu-servers.edu.       172800 IN A  {edu}
umass.edu.               172800 IN NS dns.umass.edu.
dns.umass.edu.           172800 IN A  {umass}
hamburger.edu.           172800 IN NS dns.hamburger.edu.
dns.hamburger.edu.       172800 IN A  {hamburger}
)"},
    {"d.nic.fr.", "fr.", R"(@                        172800 IN NS d.nic.fr.
d.nic.fr.                172800 IN A  {fr}
crepes.fr.               172800 IN NS dns.crepes.fr.
dns.crepes.fr.           172800 IN A  {crepes}
)"},
    {"dns1.networkutopia.com.", "networkutopia.com.",
     R"(; The registrar example: www and mail of a new start-up (addresses from the book).
@        IN NS    dns1
@        IN MX    10 mail
@        IN A     212.212.212.80
dns1     IN A     {networkutopia}
www      IN A     212.212.212.80
mail     IN A     212.212.212.25
ftp      IN CNAME www
)"},
    {"dns.umass.edu.", "umass.edu.", R"(; The iterated query of Figure 2.19 asks for gaia.cs.umass.edu.
@        IN NS    dns
dns      IN A     {umass}
gaia.cs  IN A     128.119.245.12
www      IN A     128.119.103.148
)"},
    {"dns.hamburger.edu.", "hamburger.edu.",
     R"(; Bob's domain: his mail server, and www as an alias of a canonical name (§2.4).
@        IN NS    dns
@        IN MX    10 mail
@        IN A     {web}
dns      IN A     {hamburger}
mail     IN A     {bob_mail}
www      IN CNAME serverEast.backup2
serverEast.backup2 IN A {web}
)"},
    {"dns.crepes.fr.", "crepes.fr.", R"(; Alice's domain: her mail server and a web site.
@        IN NS    dns
@        IN MX    10 mail
@        IN A     {web}
dns      IN A     {crepes}
mail     IN A     {alice_mail}
www      IN A     {web}
smtp     IN CNAME mail
)"},
};

constexpr const char* keys[hierarchy_size] = {"root",          "com",   "edu",       "fr",
                                              "networkutopia", "umass", "hamburger", "crepes"};

std::string substitute(std::string_view text, const std::map<std::string, std::string, std::less<>>& values)
{
    std::string out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t open = text.find('{', pos);
        const std::size_t close = open == std::string_view::npos ? open : text.find('}', open);
        if (close == std::string_view::npos) {
            out += text.substr(pos);
            break;
        }
        out += text.substr(pos, open - pos);
        auto it = values.find(text.substr(open + 1, close - open - 1));
        out += it != values.end() ? it->second : std::string(text.substr(open, close - open + 1));
        pos = close + 1;
    }
    return out;
}

}  // namespace

Hierarchy make_hierarchy(const std::array<std::string, hierarchy_size>& addresses, const HierarchyHosts& hosts)
{
    std::map<std::string, std::string, std::less<>> values{
        {"web", hosts.web}, {"alice_mail", hosts.alice_mail}, {"bob_mail", hosts.bob_mail}};
    for (std::size_t i = 0; i < hierarchy_size; ++i)
        values[keys[i]] = addresses[i];

    Hierarchy h;
    for (std::size_t i = 0; i < hierarchy_size; ++i) {
        const Template& t = templates[i];
        const std::string origin = t.origin;
        h.servers.push_back({t.server, addresses[i], origin});
        std::string text = "$ORIGIN " + origin + "\n$TTL 3600\n";
        text += "@ IN SOA " + std::string(t.server) + " hostmaster." + (origin == "." ? "" : origin) +
                " 2024010101 7200 3600 1209600 300\n";
        text += substitute(t.body, values);
        h.zones.push_back({origin, (origin == "." ? "root." : origin) + "zone", std::move(text)});
    }
    h.root_hints =
        ".                        3600000      NS    a.root-servers.test.\n"
        "a.root-servers.test.     3600000      A     " +
        addresses[0] + "\n";
    return h;
}

}  // namespace layer7::demo
