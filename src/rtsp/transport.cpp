// The Transport header: see transport.hpp.
#include "rtsp/transport.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>

#include "http/message/token.hpp"

namespace layer7::rtsp {

namespace {

bool parse_number(std::string_view s, std::uint32_t& out, int base = 10)
{
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, base);
    return !s.empty() && ec == std::errc{} && end == s.data() + s.size();
}

// A host name or address (IPv6 in brackets or not): anything else in destination/source (a quoted
// comma, a line end) is ignored, as it could not be written back into a Transport header.
bool host_like(std::string_view v)
{
    return !v.empty() && v.size() <= 255 && std::all_of(v.begin(), v.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == ':' || c == '-' || c == '_' ||
               c == '[' || c == ']';
    });
}

// "a-b" or "a" (then b = a + 1, §12.39 port ranges)
std::optional<PortPair> parse_pair(std::string_view s, std::uint32_t max)
{
    const auto dash = s.find('-');
    std::uint32_t a = 0, b = 0;
    if (!parse_number(s.substr(0, dash), a) || a > max)
        return std::nullopt;
    if (dash == std::string_view::npos)
        b = a + 1;
    else if (!parse_number(s.substr(dash + 1), b))
        return std::nullopt;
    if (b > max)
        return std::nullopt;
    return PortPair{static_cast<std::uint16_t>(a), static_cast<std::uint16_t>(b)};
}

std::optional<Transport> parse_spec(std::string_view spec)
{
    Transport t;
    bool first = true;
    while (!spec.empty()) {
        const auto semi = spec.find(';');
        const std::string_view param = http::trim_ows(spec.substr(0, semi));
        spec = semi == std::string_view::npos ? std::string_view{} : spec.substr(semi + 1);
        if (first) {  // transport/profile[/lower-transport]
            first = false;
            if (param == "RTP/AVP" || param == "RTP/AVP/UDP")
                t.tcp = false;
            else if (param == "RTP/AVP/TCP")
                t.tcp = true;
            else
                return std::nullopt;
            continue;
        }
        const auto eq = param.find('=');
        const std::string_view name = param.substr(0, eq);
        std::string_view value = eq == std::string_view::npos ? std::string_view{} : param.substr(eq + 1);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
            value = value.substr(1, value.size() - 2);
        if (name == "unicast") {
            t.multicast = false;
        } else if (name == "multicast") {
            t.multicast = true;
        } else if (name == "client_port") {
            if (!(t.client_port = parse_pair(value, 65535)))
                return std::nullopt;
        } else if (name == "server_port") {
            if (!(t.server_port = parse_pair(value, 65535)))
                return std::nullopt;
        } else if (name == "interleaved") {
            if (!(t.interleaved = parse_pair(value, 255)))
                return std::nullopt;
        } else if (name == "destination") {
            if (host_like(value))
                t.destination = std::string(value);
        } else if (name == "source") {
            if (host_like(value))
                t.source = std::string(value);
        } else if (name == "mode") {
            t.record = http::iequals(value, "record") || http::iequals(value, "receive");
        } else if (name == "ssrc") {
            std::uint32_t ssrc = 0;
            if (parse_number(value, ssrc, 16))
                t.ssrc = ssrc;
        }
        // ttl, layers, append, port and unknown parameters are ignored (§12.39)
    }
    if (first)
        return std::nullopt;
    return t;
}

}  // namespace

std::vector<Transport> parse_transports(std::string_view header)
{
    std::vector<Transport> out;
    http::ListReader list(header);
    std::string_view spec;
    while (list.next(spec) && out.size() < 16)
        if (auto t = parse_spec(spec))
            out.push_back(std::move(*t));
    return out;
}

std::string to_string(const Transport& t)
{
    std::string out = t.tcp ? "RTP/AVP/TCP" : "RTP/AVP";
    out += t.multicast ? ";multicast" : ";unicast";
    auto pair = [&out](const char* name, const PortPair& p) {
        out += ';';
        out += name;
        out += '=';
        out += std::to_string(p.first);
        out += '-';
        out += std::to_string(p.second);
    };
    if (!t.destination.empty())
        out += ";destination=" + t.destination;
    if (!t.source.empty())
        out += ";source=" + t.source;
    if (t.client_port)
        pair("client_port", *t.client_port);
    if (t.server_port)
        pair("server_port", *t.server_port);
    if (t.interleaved)
        pair("interleaved", *t.interleaved);
    if (t.ssrc) {
        char hex[9];
        std::snprintf(hex, sizeof hex, "%08X", *t.ssrc);
        out += ";ssrc=";
        out += hex;
    }
    if (t.record)
        out += ";mode=record";
    return out;
}

}  // namespace layer7::rtsp
