// Delivery's DNS lookups: see mx_resolver.hpp.
#include "mail/delivery/mx_resolver.hpp"

#include <fstream>
#include <stdexcept>

#include "core/net/resolve.hpp"
#include "dns/client/resolv_conf.hpp"
#include "dns/resolver/stub_resolver.hpp"

namespace layer7::mail::delivery {
namespace {

// The server /etc/resolv.conf names; its loopback default when it names none or cannot be read.
asio::ip::udp::endpoint system_nameserver()
{
    std::ifstream in("/etc/resolv.conf");
    std::error_code ec;
    const asio::ip::address address = asio::ip::make_address(dns::first_nameserver(in).value_or("127.0.0.1"), ec);
    return {ec ? asio::ip::address(asio::ip::address_v4::loopback()) : address, 53};
}

// `text` as an absolute domain name; nullopt when it cannot be one (an empty label, too long).
std::optional<dns::Name> domain_name(const std::string& text)
{
    auto name = dns::Name::parse(text.ends_with('.') ? text : text + ".");
    if (!name.ok())
        return std::nullopt;
    return std::move(name).value();
}

}  // namespace

std::shared_ptr<dns::Resolver> make_mx_resolver(const std::optional<core::HostPort>& server)
{
    if (!server)
        return std::make_shared<dns::resolver::StubResolver>(system_nameserver());
    const auto endpoint = core::udp_endpoint(*server);
    if (!endpoint)
        throw std::invalid_argument("the DNS server " + server->host + " is not an IP address");
    return std::make_shared<dns::resolver::StubResolver>(*endpoint);
}

core::awaitable<MxAnswer> lookup_mx(dns::Resolver& resolver, std::string domain)
{
    const auto name = domain_name(domain);
    if (!name)
        co_return MxAnswer{LookupStatus::no_domain, {}};  // no DNS name: no record will ever exist
    const DnsAnswer answer = co_await resolver.resolve(*name, dns::RrType::mx);
    co_return mx_answer(answer);
}

core::awaitable<AddressAnswer> lookup_addresses(dns::Resolver& resolver, std::string host)
{
    const auto name = domain_name(host);
    if (!name)
        co_return AddressAnswer{LookupStatus::no_domain, {}};
    const DnsAnswer a = co_await resolver.resolve(*name, dns::RrType::a);
    const DnsAnswer aaaa = co_await resolver.resolve(*name, dns::RrType::aaaa);
    co_return address_answer(a, aaaa);
}

}  // namespace layer7::mail::delivery
