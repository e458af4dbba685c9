// Address prefixes and access lists: see acl.hpp.
#include "dns/transport/acl.hpp"

#include <algorithm>
#include <charconv>

#include "core/text/ip_text.hpp"

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
    Prefix p;
    if (address.find(':') != std::string_view::npos) {
        auto v6 = core::parse_ipv6(address);
        if (!v6)
            return std::nullopt;
        p.bytes = *v6;
        p.family_octets = 16;
    } else {
        auto v4 = core::parse_ipv4(address);
        if (!v4)
            return std::nullopt;
        std::copy(v4->begin(), v4->end(), p.bytes.begin());
    }
    p.length = length.value_or(p.family_octets * 8u);
    if (p.length > p.family_octets * 8u)
        return std::nullopt;
    return p;
}

bool Acl::contains(std::span<const std::uint8_t> address) const
{
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (address.size() == 16 && std::equal(mapped, mapped + 12, address.begin()))
        address = address.subspan(12);
    return std::any_of(prefixes_.begin(), prefixes_.end(), [&](const Prefix& p) { return p.contains(address); });
}

bool Acl::allows(std::span<const std::uint8_t> address) const
{
    return prefixes_.empty() || contains(address);
}

}  // namespace layer7::dns
