// Address prefixes and access lists: see acl.hpp. Addresses are read with the zone-file parser
// of A and AAAA RDATA, so there is one IPv6 text reader in the code base.
#include "dns/server/acl.hpp"

#include <algorithm>
#include <charconv>
#include <string>

#include "dns/wire/rdata_parse.hpp"

namespace layer7::dns {

bool Prefix::contains(std::span<const std::uint8_t> address) const
{
    if (address.size() != family_octets)
        return false;
    for (unsigned bit = 0; bit < length; bit += 8) {
        const unsigned i = bit / 8, keep = std::min(8u, length - bit);
        const auto mask = static_cast<std::uint8_t>(0xff00u >> keep);
        if ((address[i] & mask) != (bytes[i] & mask))
            return false;
    }
    return true;
}

std::optional<Prefix> parse_prefix(std::string_view text)
{
    std::string_view address = text;
    std::optional<unsigned> length;
    if (auto slash = text.find('/'); slash != std::string_view::npos) {
        address = text.substr(0, slash);
        unsigned n = 0;
        auto digits = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty())
            return std::nullopt;
        length = n;
    }
    const bool v6 = address.find(':') != std::string_view::npos;
    TextToken token{std::string(address), false};
    auto rdata = parse_rdata(v6 ? RrType::aaaa : RrType::a, std::span(&token, 1), Name());
    if (!rdata.ok())
        return std::nullopt;
    Prefix p;
    if (v6) {
        auto &a = std::get<Aaaa>(rdata.value()).address;
        std::copy(a.begin(), a.end(), p.bytes.begin());
        p.family_octets = 16;
    } else {
        auto &a = std::get<A>(rdata.value()).address;
        std::copy(a.begin(), a.end(), p.bytes.begin());
    }
    p.length = length.value_or(p.family_octets * 8u);
    if (p.length > p.family_octets * 8u)
        return std::nullopt;
    return p;
}

bool Acl::contains(std::span<const std::uint8_t> address) const
{
    return std::any_of(prefixes_.begin(), prefixes_.end(), [&](const Prefix &p) { return p.contains(address); });
}

bool Acl::allows(std::span<const std::uint8_t> address) const
{
    return prefixes_.empty() || contains(address);
}

}  // namespace layer7::dns
