// Delivery's DNS (DESIGN.md §1: delivery asks dns::Resolver for MX records): the resolver it asks
// and the two lookups it makes, awaited on the agent's event loop. What an answer means is
// mx_answer.hpp's (pure).
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/net/asio.hpp"
#include "core/text/host_port.hpp"
#include "mail/delivery/mx_answer.hpp"

namespace layer7::dns {
class Resolver;
}

namespace layer7::mail::delivery {

// A stub resolver (dns::resolver::StubResolver) asking `server` (e.g. layer7's own resolver on
// 127.0.0.1:5335), else the first nameserver of /etc/resolv.conf, else port 53 of this machine as
// resolv.conf(5) says. Throws std::invalid_argument when `server` is no IP literal.
std::shared_ptr<dns::Resolver> make_mx_resolver(const std::optional<core::HostPort>& server);

// The MX records of `domain`.
core::awaitable<MxAnswer> lookup_mx(dns::Resolver& resolver, std::string domain);
// The A and AAAA addresses of `host`, asked one after the other.
core::awaitable<AddressAnswer> lookup_addresses(dns::Resolver& resolver, std::string host);

}  // namespace layer7::mail::delivery
