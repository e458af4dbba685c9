// A core::NameService that asks one DNS resolver (RFC 1035 §7: a stub resolver with RD set), so an
// HTTP client such as the proxy of `layer7 up` finds the names only our resolver knows
// (www.hamburger.edu in the textbook's hierarchy). A first, AAAA when there is no A.
#pragma once

#include <memory>
#include <system_error>
#include <vector>

#include "core/net/resolve.hpp"
#include "dns/wire/message.hpp"

namespace layer7::dns {

// The addresses a reply answers with (A and AAAA anywhere in the answer section, so after the
// CNAME chain a resolver includes), and what the reply means: ok, host_not_found (NXDOMAIN or no
// address), or host_not_found_try_again (SERVFAIL, REFUSED, anything else).
std::pair<std::error_code, std::vector<asio::ip::address>> addresses_of(const Message& reply);

// `server` is the resolver's address and port; lookups run on the calling coroutine's executor.
std::shared_ptr<core::NameService> make_name_service(const asio::ip::udp::endpoint& server);

}  // namespace layer7::dns
