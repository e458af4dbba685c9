// POP3 responses on the wire: see response_codec.hpp.
#include "mail/pop3/response_codec.hpp"

#include <charconv>

namespace layer7::mail::pop3 {

namespace {
std::string status_line(std::string_view indicator, std::string_view text)
{
    std::string out(indicator);
    if (!text.empty()) {
        out += ' ';
        out += text;
    }
    out += "\r\n";
    return out;
}

template <class T>
std::optional<T> number(std::string_view text)
{
    T v{};
    if (text.empty() || text.size() > 20)
        return std::nullopt;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return v;
}

// Splits "a b…" at the first run of spaces.
std::pair<std::string_view, std::string_view> first_word(std::string_view text)
{
    const auto space = text.find(' ');
    if (space == std::string_view::npos)
        return {text, {}};
    std::string_view rest = text.substr(space);
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    return {text.substr(0, space), rest};
}
}  // namespace

std::string ok(std::string_view text)
{
    return status_line("+OK", text);
}

std::string err(std::string_view text)
{
    return status_line("-ERR", text);
}

void append_stuffed(std::string& out, std::string_view line)
{
    if (!line.empty() && line.front() == '.')
        out += '.';
    out += line;
    out += "\r\n";
}

std::optional<Status> parse_status(std::string_view line)
{
    Status s;
    std::string_view rest;
    if (line.substr(0, 3) == "+OK") {
        s.ok = true;
        rest = line.substr(3);
    } else if (line.substr(0, 4) == "-ERR") {
        rest = line.substr(4);
    } else {
        return std::nullopt;
    }
    if (!rest.empty() && rest.front() != ' ')
        return std::nullopt;  // "+OKAY" is not a status
    while (!rest.empty() && rest.front() == ' ')
        rest.remove_prefix(1);
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close != std::string_view::npos) {
            s.code = std::string(rest.substr(1, close - 1));
            rest.remove_prefix(close + 1);
            while (!rest.empty() && rest.front() == ' ')
                rest.remove_prefix(1);
        }
    }
    s.text = std::string(rest);
    return s;
}

std::optional<Scan> parse_scan(std::string_view text)
{
    auto [n, rest] = first_word(text);
    auto [size, extra] = first_word(rest);  // RFC 1939 §5: servers may add text after the size
    (void)extra;
    auto number_v = number<std::size_t>(n);
    auto size_v = number<std::uint64_t>(size);
    if (!number_v || !size_v)
        return std::nullopt;
    return Scan{*number_v, *size_v};
}

std::optional<UniqueId> parse_unique_id(std::string_view text)
{
    auto [n, uid] = first_word(text);
    auto number_v = number<std::size_t>(n);
    if (!number_v || uid.empty() || uid.size() > 70 || uid.find(' ') != std::string_view::npos)
        return std::nullopt;
    return UniqueId{*number_v, std::string(uid)};
}

}  // namespace layer7::mail::pop3
