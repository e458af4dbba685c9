// The IM wire format: see index_codec.hpp.
#include "im/index_codec.hpp"

#include <charconv>

#include "core/text/ascii.hpp"
#include "core/text/host_port.hpp"

namespace layer7::im {

namespace {

// The first word of `text` and what follows it (leading spaces of both dropped).
std::pair<std::string_view, std::string_view> first_word(std::string_view text)
{
    while (text.starts_with(' '))
        text.remove_prefix(1);
    const auto space = text.find(' ');
    if (space == std::string_view::npos)
        return {text, {}};
    std::string_view rest = text.substr(space);
    while (rest.starts_with(' '))
        rest.remove_prefix(1);
    return {text.substr(0, space), rest};
}

}  // namespace

std::optional<std::string> canonical_name(std::string_view text)
{
    if (text.empty() || text.size() > max_name)
        return std::nullopt;
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        const char l = core::to_lower(c);
        if (!core::is_lower(l) && !core::is_digit(l) && l != '.' && l != '_' && l != '-')
            return std::nullopt;
        out.push_back(l);
    }
    if (!core::is_lower(out.front()) && !core::is_digit(out.front()))
        return std::nullopt;
    return out;
}

bool valid_address(std::string_view text)
{
    if (text.size() > 64)  // "[" + 45-character IPv6 text + "]:65535" fits; a host name may be long
        return false;
    auto hp = core::parse_host_port(text);
    if (!hp || hp->port == 0)
        return false;
    for (char c : hp->host)  // names and IP literals only: nothing a terminal or a log would act on
        if (!core::is_lower(core::to_lower(c)) && !core::is_digit(c) && c != '.' && c != '-' && c != ':' && c != '%' &&
            c != '_')
            return false;
    return true;
}

Command split_command(std::string_view line)
{
    auto [verb, rest] = first_word(line);
    Command command;
    command.verb.reserve(verb.size());
    for (char c : verb)
        command.verb.push_back(core::is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c);
    command.args = rest;
    return command;
}

std::vector<std::string_view> words(std::string_view args)
{
    std::vector<std::string_view> out;
    for (;;) {
        auto [word, rest] = first_word(args);
        if (word.empty())
            return out;
        out.push_back(word);
        args = rest;
    }
}

std::string reply(int code, std::string_view text)
{
    std::string out = std::to_string(code);
    out += ' ';
    out += text;
    out += "\r\n";
    return out;
}

std::string push_online(std::string_view name, std::string_view address)
{
    return "* ONLINE " + std::string(name) + " " + std::string(address) + "\r\n";
}

std::string push_offline(std::string_view name)
{
    return "* OFFLINE " + std::string(name) + "\r\n";
}

std::string user_line(std::string_view name, std::string_view address)
{
    return "* USER " + std::string(name) + " " + std::string(address) + "\r\n";
}

IndexLine decode_index_line(std::string_view line)
{
    IndexLine out;
    if (line.starts_with("* ")) {
        auto [kind, rest] = first_word(line.substr(2));
        const auto args = words(rest);
        auto name = args.empty() ? std::nullopt : canonical_name(args[0]);
        if (!name)
            return out;
        if ((kind == "ONLINE" || kind == "USER") && args.size() == 2 && valid_address(args[1])) {
            out.kind = kind == "ONLINE" ? IndexLine::Kind::online : IndexLine::Kind::user;
            out.name = *name;
            out.address = std::string(args[1]);
        } else if (kind == "OFFLINE" && args.size() == 1) {
            out.kind = IndexLine::Kind::offline;
            out.name = *name;
        }
        return out;
    }
    if (line.size() < 3 || !core::is_digit(line[0]) || !core::is_digit(line[1]) || !core::is_digit(line[2]) ||
        (line.size() > 3 && line[3] != ' '))
        return out;
    std::from_chars(line.data(), line.data() + 3, out.code);
    if (out.code < 200)
        return out;
    out.kind = IndexLine::Kind::reply;
    out.text = std::string(line.size() > 4 ? line.substr(4) : std::string_view{});
    return out;
}

std::string peer_greeting(std::string_view name)
{
    return reply(220, std::string(name) + " layer7 IM peer");
}

std::string peer_hello(std::string_view name)
{
    return "HELLO " + std::string(name) + "\r\n";
}

std::string peer_message(std::string_view text)
{
    return "MSG " + clean_text(text) + "\r\n";
}

std::string peer_bye()
{
    return "BYE\r\n";
}

std::string clean_text(std::string_view text)
{
    std::string out(text);
    for (char& c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            c = ' ';
    return out;
}

bool is_clean_text(std::string_view text)
{
    for (char c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return false;
    return true;
}

}  // namespace layer7::im
