// Root hints (RFC 1034 §5.3.2 "SBELT"; the named.root file at /usr/share/dns/root.hints): the NS
// set of the root and its addresses, in zone-file syntax. Tests point it at a private root.
#pragma once

#include <string>
#include <string_view>

#include "core/result.hpp"
#include "dns/resolver/server_address.hpp"

namespace layer7::dns::resolver {

// The root NS names' A (and AAAA, when ipv6) addresses; errors say "file:line: why". Fails when
// no address is left, since a resolver could not start anywhere.
core::Result<Delegation, std::string> parse_root_hints(std::string_view text, std::string_view file, bool ipv6 = false);

}  // namespace layer7::dns::resolver
