// ServerAddress text forms: inet_pton-like parsing done by hand so this file stays pure.
#include "dns/resolver/server_address.hpp"

#include <algorithm>
#include <charconv>

namespace layer7::dns::resolver {
namespace {

std::optional<std::array<std::uint8_t, 4>> parse_v4(std::string_view text)
{
    std::array<std::uint8_t, 4> out{};
    for (std::size_t i = 0; i < 4; ++i) {
        auto dot = i < 3 ? text.find('.') : text.size();
        if (dot == std::string_view::npos || dot == 0 || dot > 3)
            return std::nullopt;
        unsigned v = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + dot, v);
        if (ec != std::errc() || p != text.data() + dot || v > 255)
            return std::nullopt;
        out[i] = static_cast<std::uint8_t>(v);
        text.remove_prefix(dot == text.size() ? dot : dot + 1);
    }
    return text.empty() ? std::optional(out) : std::nullopt;
}

// RFC 4291 §2.2 text form with at most one "::"; an embedded IPv4 tail is accepted.
std::optional<std::array<std::uint8_t, 16>> parse_v6(std::string_view text)
{
    std::vector<std::uint16_t> head, tail;
    bool gap = false;
    std::vector<std::uint16_t>* part = &head;
    if (text.starts_with("::")) {
        gap = true;
        part = &tail;
        text.remove_prefix(2);
    }
    std::optional<std::array<std::uint8_t, 4>> v4;
    while (!text.empty()) {
        auto colon = text.find(':');
        std::string_view group = text.substr(0, colon);
        if (group.find('.') != std::string_view::npos && colon == std::string_view::npos) {
            if (!(v4 = parse_v4(group)))
                return std::nullopt;
            break;
        }
        unsigned v = 0;
        auto [p, ec] = std::from_chars(group.data(), group.data() + group.size(), v, 16);
        if (group.empty() || group.size() > 4 || ec != std::errc() || p != group.data() + group.size())
            return std::nullopt;
        part->push_back(static_cast<std::uint16_t>(v));
        if (colon == std::string_view::npos)
            break;
        text.remove_prefix(colon + 1);
        if (text.starts_with(":")) {
            if (gap)
                return std::nullopt;
            gap = true;
            part = &tail;
            text.remove_prefix(1);
        } else if (text.empty()) {
            return std::nullopt;
        }
    }
    std::size_t groups = head.size() + tail.size() + (v4 ? 2 : 0);
    if (groups > 8 || (!gap && groups != 8) || (gap && groups == 8))
        return std::nullopt;
    std::array<std::uint8_t, 16> out{};
    std::size_t i = 0;
    for (auto g : head) {
        out[i++] = static_cast<std::uint8_t>(g >> 8);
        out[i++] = static_cast<std::uint8_t>(g);
    }
    i = 16 - tail.size() * 2 - (v4 ? 4 : 0);
    for (auto g : tail) {
        out[i++] = static_cast<std::uint8_t>(g >> 8);
        out[i++] = static_cast<std::uint8_t>(g);
    }
    if (v4)
        for (auto b : *v4)
            out[i++] = b;
    return out;
}

} // namespace

ServerAddress ServerAddress::from(const A& a, std::uint16_t port)
{
    ServerAddress s;
    std::copy(a.address.begin(), a.address.end(), s.bytes.begin());
    s.port = port;
    return s;
}

ServerAddress ServerAddress::from(const Aaaa& a, std::uint16_t port)
{
    ServerAddress s;
    s.bytes = a.address;
    s.v6 = true;
    s.port = port;
    return s;
}

std::optional<ServerAddress> ServerAddress::parse(std::string_view text, std::uint16_t default_port)
{
    std::uint16_t port = default_port;
    std::string_view host = text;
    auto take_port = [&](std::string_view digits) {
        unsigned v = 0;
        auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
        if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || v == 0 || v > 65535)
            return false;
        port = static_cast<std::uint16_t>(v);
        return true;
    };
    if (text.starts_with("[")) {
        auto close = text.find(']');
        if (close == std::string_view::npos)
            return std::nullopt;
        host = text.substr(1, close - 1);
        std::string_view rest = text.substr(close + 1);
        if (!rest.empty() && (!rest.starts_with(":") || !take_port(rest.substr(1))))
            return std::nullopt;
    } else if (auto colon = text.find(':');
               colon != std::string_view::npos && text.find(':', colon + 1) == text.npos) {
        host = text.substr(0, colon);
        if (!take_port(text.substr(colon + 1)))
            return std::nullopt;
    }
    if (auto v4 = parse_v4(host))
        return from(A{*v4}, port);
    if (auto v6 = parse_v6(host))
        return from(Aaaa{*v6}, port);
    return std::nullopt;
}

std::string ServerAddress::to_text() const
{
    std::string out;
    if (!v6) {
        for (int i = 0; i < 4; ++i)
            out += (i ? "." : "") + std::to_string(bytes[i]);
        return out + ":" + std::to_string(port);
    }
    return "[" + dns::to_text(Rdata{Aaaa{bytes}}) + "]:" + std::to_string(port);
}

std::size_t ServerAddressHash::operator()(const ServerAddress& a) const
{
    std::size_t h = a.v6 ? 0x9e3779b97f4a7c15ull : 0;
    for (auto b : a.bytes)
        h = (h ^ b) * 0x100000001b3ull;
    return h ^ a.port;
}

} // namespace layer7::dns::resolver
