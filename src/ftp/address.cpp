// PORT/EPRT/PASV/EPSV codecs and IP literals: see address.hpp.
#include "ftp/address.hpp"
#include "core/text/ascii.hpp"
#include "core/text/ip_text.hpp"

#include <cstdio>
#include <vector>

namespace layer7::ftp {

namespace {

// A decimal number of at most `max_digits` digits and at most `max`.
std::optional<unsigned> number(std::string_view s, unsigned max, std::size_t max_digits = 5)
{
    if (s.empty() || s.size() > max_digits)
        return std::nullopt;
    unsigned v = 0;
    for (char c : s) {
        if (!core::is_digit(c))
            return std::nullopt;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    if (v > max)
        return std::nullopt;
    return v;
}

std::vector<std::string_view> split(std::string_view s, char sep)
{
    std::vector<std::string_view> out;
    for (;;) {
        const auto i = s.find(sep);
        out.push_back(s.substr(0, i));
        if (i == std::string_view::npos)
            return out;
        s.remove_prefix(i + 1);
    }
}

IpAddress mapped(const std::array<std::uint8_t, 4>& v4)
{
    IpAddress a;
    a.bytes[10] = a.bytes[11] = 0xff;
    for (int i = 0; i < 4; ++i)
        a.bytes[12 + i] = v4[i];
    return a;
}

std::optional<std::uint16_t> port_number(std::string_view s)
{
    const auto v = number(s, 65535);
    if (!v || *v == 0)
        return std::nullopt;
    return static_cast<std::uint16_t>(*v);
}

}  // namespace

bool IpAddress::is_v4() const
{
    for (int i = 0; i < 10; ++i)
        if (bytes[i] != 0)
            return false;
    return bytes[10] == 0xff && bytes[11] == 0xff;
}

std::optional<IpAddress> parse_ip(std::string_view text)
{
    if (text.find(':') == std::string_view::npos) {
        const auto v4 = core::parse_ipv4(text);
        return v4 ? std::optional<IpAddress>(mapped(*v4)) : std::nullopt;
    }
    const auto v6 = core::parse_ipv6(text);
    return v6 ? std::optional<IpAddress>(IpAddress{*v6}) : std::nullopt;
}

std::string to_string(const IpAddress& a)
{
    char buf[64];
    if (a.is_v4()) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a.bytes[12], a.bytes[13], a.bytes[14], a.bytes[15]);
        return buf;
    }
    return core::format_ipv6(a.bytes);
}

std::optional<HostPortAddress> parse_port_argument(std::string_view text)
{
    const auto parts = split(text, ',');
    if (parts.size() != 6)
        return std::nullopt;
    unsigned v[6];
    for (int i = 0; i < 6; ++i) {
        const auto n = number(parts[i], 255, 3);
        if (!n)
            return std::nullopt;
        v[i] = *n;
    }
    const unsigned port = v[4] * 256 + v[5];
    if (port == 0)
        return std::nullopt;
    return HostPortAddress{mapped({static_cast<std::uint8_t>(v[0]), static_cast<std::uint8_t>(v[1]),
                                   static_cast<std::uint8_t>(v[2]), static_cast<std::uint8_t>(v[3])}),
                           static_cast<std::uint16_t>(port)};
}

std::string format_port_argument(const HostPortAddress& hp)
{
    const auto& b = hp.address.bytes;
    return std::to_string(b[12]) + "," + std::to_string(b[13]) + "," + std::to_string(b[14]) + "," +
           std::to_string(b[15]) + "," + std::to_string(hp.port >> 8) + "," + std::to_string(hp.port & 0xff);
}

std::optional<HostPortAddress> parse_eprt_argument(std::string_view text, EprtError* error)
{
    auto fail = [&](EprtError e) {
        if (error)
            *error = e;
        return std::nullopt;
    };
    if (text.size() < 2 || text[0] < 33 || text[0] > 126 || text.back() != text[0])
        return fail(EprtError::syntax);
    const auto parts = split(text.substr(1, text.size() - 2), text[0]);
    if (parts.size() != 3)
        return fail(EprtError::syntax);
    if (parts[0] != "1" && parts[0] != "2")
        return fail(core::is_digit(parts[0].empty() ? 'x' : parts[0][0]) ? EprtError::unsupported_protocol
                                                                         : EprtError::syntax);
    const bool v4 = parts[0] == "1";
    const bool looks_v4 = parts[1].find(':') == std::string_view::npos;
    const auto address = parse_ip(parts[1]);
    const auto port = port_number(parts[2]);
    if (!address || !port || v4 != looks_v4)
        return fail(EprtError::syntax);
    return HostPortAddress{*address, *port};
}

std::string format_eprt_argument(const HostPortAddress& hp)
{
    return std::string(hp.address.is_v4() ? "|1|" : "|2|") + to_string(hp.address) + "|" + std::to_string(hp.port) +
           "|";
}

std::string pasv_reply_text(const HostPortAddress& hp)
{
    return "Entering Passive Mode (" + format_port_argument(hp) + ").";
}

std::string epsv_reply_text(std::uint16_t port)
{
    return "Entering Extended Passive Mode (|||" + std::to_string(port) + "|)";
}

std::optional<HostPortAddress> parse_pasv_reply(std::string_view text)
{
    // Some servers leave out the parentheses: take the first run of digits and commas.
    std::size_t start = 0;
    while (start < text.size() && !core::is_digit(text[start]))
        ++start;
    std::size_t end = start;
    while (end < text.size() && (core::is_digit(text[end]) || text[end] == ','))
        ++end;
    return parse_port_argument(text.substr(start, end - start));
}

std::optional<std::uint16_t> parse_epsv_reply(std::string_view text)
{
    const auto open = text.find('(');
    const auto close = text.find(')', open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos || close - open < 6)
        return std::nullopt;
    const std::string_view inner = text.substr(open + 1, close - open - 1);  // |||port|
    const char d = inner[0];
    if (d < 33 || d > 126 || inner[1] != d || inner[2] != d || inner.back() != d)
        return std::nullopt;
    return port_number(inner.substr(3, inner.size() - 4));
}

}  // namespace layer7::ftp
