// `layer7 dig` arguments: see dig_options.hpp.
#include "dns/client/dig_options.hpp"

#include <charconv>

#include "dns/wire/rdata_text.hpp"

namespace layer7::dns {

namespace {
template <typename T>
std::optional<T> number(std::string_view text, T min, T max)
{
    long long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty() || v < min || v > max)
        return std::nullopt;
    return static_cast<T>(v);
}

// "+flag" and "+noflag", "+key=value"; false if unknown or malformed.
bool plus_option(std::string_view opt, DigOptions& o)
{
    std::string_view key = opt, value;
    if (auto eq = opt.find('='); eq != std::string_view::npos) {
        key = opt.substr(0, eq);
        value = opt.substr(eq + 1);
    }
    const bool no = key.starts_with("no");
    const std::string_view bare = no ? key.substr(2) : key;
    if (bare == "trace")
        o.trace = !no;
    else if (bare == "tcp" || bare == "vc")
        o.tcp = !no;
    else if (bare == "rec" || bare == "recurse")
        o.recurse = !no;
    else if (bare == "edns" && value.empty())
        o.edns = !no;
    else if (bare == "dnssec")
        o.dnssec = !no;
    else if (bare == "short")
        o.short_form = !no;
    else if (bare == "ignore")
        o.ignore_tc = !no;
    else if (key == "bufsize") {
        auto n = number<std::uint16_t>(value, 0, 65535);
        if (!n)
            return false;
        o.bufsize = *n;
    } else if (key == "time" || key == "timeout") {
        auto n = number<int>(value, 1, 300);
        if (!n)
            return false;
        o.timeout = std::chrono::seconds(*n);
    } else if (key == "tries") {
        auto n = number<int>(value, 1, 100);
        if (!n)
            return false;
        o.tries = *n;
    } else if (key == "retry") {
        auto n = number<int>(value, 0, 99);
        if (!n)
            return false;
        o.tries = *n + 1;
    } else if (bare == "cmd" || bare == "comments" || bare == "stats" || bare == "question" || bare == "answer" ||
               bare == "authority" || bare == "additional" || bare == "all") {
        // dig's display toggles: accepted, the full display is always printed
    } else
        return false;
    return true;
}
}  // namespace

core::Result<DigOptions, std::string> parse_dig_args(const std::vector<std::string>& args)
{
    DigOptions o;
    bool name_given = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if (a.starts_with("@")) {
            std::string server = a.substr(1);
            // @HOST:PORT, @[v6]:PORT, or a bare IPv6 literal.
            if (server.starts_with("[")) {
                auto close = server.find(']');
                if (close == std::string::npos)
                    return core::fail("bad server '" + a + "'");
                if (close + 1 < server.size()) {
                    if (server[close + 1] != ':' ||
                        !(o.port = number<std::uint16_t>(server.substr(close + 2), 1, 65535)))
                        return core::fail("bad port in '" + a + "'");
                }
                server = server.substr(1, close - 1);
            } else if (auto colon = server.find(':');
                       colon != std::string::npos && server.find(':', colon + 1) == std::string::npos) {
                if (!(o.port = number<std::uint16_t>(server.substr(colon + 1), 1, 65535)))
                    return core::fail("bad port in '" + a + "'");
                server.resize(colon);
            }
            if (server.empty())
                return core::fail("bad server '" + a + "'");
            o.server = server;
        } else if (a.starts_with("+")) {
            if (!plus_option(std::string_view(a).substr(1), o))
                return core::fail("unknown or malformed option '" + a + "'");
        } else if (a == "-p" || a == "--root-hints" || a == "-t" || a == "-q" || a == "-x") {
            if (i + 1 >= args.size())
                return core::fail(a + " needs a value");
            const std::string& v = args[++i];
            if (a == "-p") {
                if (!(o.port = number<std::uint16_t>(v, 1, 65535)))
                    return core::fail("bad port '" + v + "'");
            } else if (a == "--root-hints")
                o.root_hints = v;
            else if (a == "-t") {
                auto t = parse_type(v);
                if (!t)
                    return core::fail("unknown type '" + v + "'");
                o.type = *t;
                o.type_given = true;
            } else if (a == "-x") {
                auto reverse = reverse_name(v);
                if (!reverse)
                    return core::fail("'" + v + "' is not an IPv4 or IPv6 address");
                o.name = *reverse;
                name_given = true;
                if (!o.type_given)
                    o.type = RrType::ptr;  // as dig: -x asks for PTR unless a type was given
            } else {
                o.name = v;
                name_given = true;
            }
        } else if (a.starts_with("--root-hints=")) {
            o.root_hints = a.substr(13);
        } else if (a.starts_with("-") && a.size() > 1) {
            return core::fail("unknown option '" + a + "'");
        } else if (auto t = parse_type(a); t && !o.type_given) {
            o.type = *t;  // as dig: a type mnemonic anywhere is the type
            o.type_given = true;
        } else if (!name_given) {
            o.name = a;
            name_given = true;
        } else {
            return core::fail("unexpected argument '" + a + "'");
        }
    }
    if (!name_given && !o.type_given)
        o.type = RrType::ns;  // dig with no name asks for the root's NS
    if (o.trace)
        o.recurse = false;
    if (o.type == RrType::axfr || o.type == RrType::ixfr)
        o.tcp = true;  // RFC 5936 §4.2: a zone transfer is a TCP exchange
    return o;
}

std::optional<std::string> reverse_name(std::string_view address)
{
    std::string out;
    if (auto v4 = parse_ipv4(address)) {
        for (auto it = v4->rbegin(); it != v4->rend(); ++it)
            out += std::to_string(*it) + ".";
        return out + "in-addr.arpa.";
    }
    if (auto v6 = parse_ipv6(address)) {
        constexpr const char* hex = "0123456789abcdef";
        for (auto it = v6->rbegin(); it != v6->rend(); ++it) {
            out += hex[*it & 0x0f];
            out += '.';
            out += hex[*it >> 4];
            out += '.';
        }
        return out + "ip6.arpa.";
    }
    return std::nullopt;
}

std::string command_line(const std::vector<std::string>& args)
{
    std::string out;
    for (auto& a : args) {
        if (!out.empty())
            out += ' ';
        out += a;
    }
    return out;
}

}  // namespace layer7::dns
