// RDATA from zone-file tokens (RFC 1035 §5.1, 3596, 2782, 8659 §4.1.1, RFC 3597 §5 generic form).
#include "dns/wire/rdata_parse.hpp"

#include <charconv>
#include <limits>

namespace layer7::dns {
namespace {

using Fields = std::span<const TextToken>;
using Parsed = core::Result<Rdata, std::string>;

template <class T>
std::optional<T> number(const TextToken& token)
{
    std::uint64_t v = 0;
    auto& t = token.text;
    auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (token.quoted || ec != std::errc() || end != t.data() + t.size() || v > std::numeric_limits<T>::max())
        return std::nullopt;
    return static_cast<T>(v);
}

Parsed fail(std::string message)
{
    return core::fail(std::move(message));
}

core::Result<Name, std::string> name(const TextToken& token, const Name& origin)
{
    auto n = Name::parse(token.text, origin);
    if (!n)
        return core::fail("bad name '" + token.text + "': " + std::string(to_string(n.error())));
    return std::move(n).value();
}

Parsed generic(RrType type, Fields f)
{
    if (f.size() < 2)
        return fail("\\# needs a length");
    auto length = number<std::uint16_t>(f[1]);
    if (!length)
        return fail("bad \\# length '" + f[1].text + "'");
    std::string hex;
    for (auto& t : f.subspan(2))
        hex += t.text;
    if (hex.size() % 2 != 0 || hex.size() / 2 != *length)
        return fail("\\# length " + f[1].text + " does not match the hex data");
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        unsigned v = 0;
        auto [end, ec] = std::from_chars(hex.data() + i, hex.data() + i + 2, v, 16);
        if (ec != std::errc() || end != hex.data() + i + 2)
            return fail("bad hex in \\# data");
        bytes.push_back(static_cast<std::uint8_t>(v));
    }
    // A known type in generic form is still that type (RFC 3597 §5): decode it, uncompressed.
    core::WireReader reader{std::span<const std::uint8_t>(bytes)};
    auto decoded = decode_rdata(type, RrClass::in, reader, bytes.size(), DecodeLimits{});
    if (!decoded)
        return fail("\\# data is not valid " + to_text(type) + " RDATA: " + std::string(to_string(decoded.error())));
    return std::move(decoded).value();
}

Parsed strings_as_bytes(Fields f, std::size_t count)
{
    if (f.size() != count)
        return fail("expected " + std::to_string(count) + " strings");
    std::vector<std::uint8_t> bytes;
    for (auto& t : f) {
        auto s = parse_character_string(t.text);
        if (!s)
            return fail("bad character-string '" + t.text + "'");
        bytes.push_back(static_cast<std::uint8_t>(s->size()));
        bytes.insert(bytes.end(), s->begin(), s->end());
    }
    return Rdata(Unknown{std::move(bytes)});
}

bool caa_tag_ok(const std::string& tag)
{
    if (tag.empty() || tag.size() > 15)
        return false;
    for (char c : tag)
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    return true;
}

}  // namespace

Parsed parse_rdata(RrType type, Fields f, const Name& origin)
{
    if (!f.empty() && !f[0].quoted && f[0].text == "\\#")
        return generic(type, f);
    auto want = [&](std::size_t n) { return f.size() == n; };
    auto count_error = [&](std::size_t n) {
        return fail(to_text(type) + " takes " + std::to_string(n) + " fields, got " + std::to_string(f.size()));
    };
    switch (type) {
    case RrType::a: {
        if (!want(1))
            return count_error(1);
        auto a = parse_ipv4(f[0].text);
        if (!a)
            return fail("bad IPv4 address '" + f[0].text + "'");
        return Rdata(A{*a});
    }
    case RrType::aaaa: {
        if (!want(1))
            return count_error(1);
        auto a = parse_ipv6(f[0].text);
        if (!a)
            return fail("bad IPv6 address '" + f[0].text + "'");
        return Rdata(Aaaa{*a});
    }
    case RrType::ns:
    case RrType::cname:
    case RrType::ptr: {
        if (!want(1))
            return count_error(1);
        auto n = name(f[0], origin);
        if (!n)
            return fail(n.error());
        if (type == RrType::ns)
            return Rdata(Ns{std::move(n).value()});
        if (type == RrType::cname)
            return Rdata(Cname{std::move(n).value()});
        return Rdata(Ptr{std::move(n).value()});
    }
    case RrType::mx: {
        if (!want(2))
            return count_error(2);
        auto pref = number<std::uint16_t>(f[0]);
        auto n = name(f[1], origin);
        if (!pref)
            return fail("bad MX preference '" + f[0].text + "'");
        if (!n)
            return fail(n.error());
        return Rdata(Mx{*pref, std::move(n).value()});
    }
    case RrType::soa: {
        if (!want(7))
            return count_error(7);
        auto m = name(f[0], origin);
        auto r = name(f[1], origin);
        if (!m)
            return fail(m.error());
        if (!r)
            return fail(r.error());
        Soa soa{std::move(m).value(), std::move(r).value()};
        auto serial = number<std::uint32_t>(f[2]);
        if (!serial)
            return fail("bad SOA serial '" + f[2].text + "'");
        soa.serial = *serial;
        std::uint32_t* timers[] = {&soa.refresh, &soa.retry, &soa.expire, &soa.minimum};
        for (int i = 0; i < 4; ++i) {
            auto v = f[3 + i].quoted ? std::nullopt : parse_ttl(f[3 + i].text);
            if (!v)
                return fail("bad SOA timer '" + f[3 + i].text + "'");
            *timers[i] = *v;
        }
        return Rdata(std::move(soa));
    }
    case RrType::txt: {
        if (f.empty())
            return fail("TXT needs at least one string");
        Txt txt;
        for (auto& t : f) {
            auto s = parse_character_string(t.text);
            if (!s)
                return fail("bad character-string (over 255 octets or bad escape)");
            txt.strings.push_back(std::move(*s));
        }
        return Rdata(std::move(txt));
    }
    case RrType::srv: {
        if (!want(4))
            return count_error(4);
        auto pri = number<std::uint16_t>(f[0]), weight = number<std::uint16_t>(f[1]),
             port = number<std::uint16_t>(f[2]);
        if (!pri || !weight || !port)
            return fail("bad SRV priority, weight or port");
        auto n = name(f[3], origin);
        if (!n)
            return fail(n.error());
        return Rdata(Srv{*pri, *weight, *port, std::move(n).value()});
    }
    case RrType::caa: {
        if (!want(3))
            return count_error(3);
        auto flags = number<std::uint8_t>(f[0]);
        if (!flags)
            return fail("bad CAA flags '" + f[0].text + "'");
        if (f[1].quoted || !caa_tag_ok(f[1].text))
            return fail("bad CAA tag '" + f[1].text + "' (RFC 8659 §4.1: 1-15 letters and digits)");
        // The value is not a <character-string>: it may pass 255 octets.
        auto value = unescape_text(f[2].text);
        if (!value)
            return fail("bad CAA value");
        return Rdata(Caa{*flags, f[1].text, std::move(*value)});
    }
    case RrType::hinfo: return strings_as_bytes(f, 2);
    default: break;
    }
    return fail("type " + to_text(type) + " needs the generic \\# form (RFC 3597 §5)");
}

}  // namespace layer7::dns
