// Hop-by-hop fields and Via: see hop_by_hop.hpp.
#include "http/proxy/hop_by_hop.hpp"

#include <string>
#include <vector>

#include "http/message/token.hpp"

namespace layer7::http::proxy {

namespace {

// Calls `f` with each comma-separated element of a list field, whitespace trimmed.
template <class F>
void for_each_element(std::string_view list, F&& f)
{
    while (!list.empty()) {
        const auto comma = list.find(',');
        const auto item = trim_ows(list.substr(0, comma));
        if (!item.empty())
            f(item);
        list.remove_prefix(comma == std::string_view::npos ? list.size() : comma + 1);
    }
}

}  // namespace

void strip_hop_by_hop(Fields& fields)
{
    if (fields.contains("Connection")) {
        std::vector<std::string> named;
        for_each_element(fields.combined("Connection"), [&](std::string_view n) { named.emplace_back(n); });
        for (const auto& n : named)
            fields.erase(n);
    }
    for (auto name : {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
                      "Proxy-Authorization", "Proxy-Authenticate"})
        fields.erase(name);
}

void append_via(Fields& fields, const Version& version, std::string_view received_by)
{
    // RFC 9110 §7.6.3: the protocol version as the client sent it ("1.1"; HTTP/2 has no minor: "2").
    std::string entry = std::to_string(version.major);
    if (version.major < 2)
        entry += "." + std::to_string(version.minor);
    entry += ' ';
    entry += received_by;
    entry += " (layer7)";
    fields.add("Via", entry);
}

bool via_contains(const Fields& fields, std::string_view received_by)
{
    bool found = false;
    for_each_element(fields.combined("Via"), [&](std::string_view entry) {
        // received-protocol RWS received-by [ RWS comment ]
        const auto space = entry.find_first_of(" \t");
        if (space == std::string_view::npos)
            return;
        auto rest = trim_ows(entry.substr(space));
        const auto by = rest.substr(0, rest.find_first_of(" \t"));
        if (iequals(by, received_by))
            found = true;
    });
    return found;
}

}  // namespace layer7::http::proxy
