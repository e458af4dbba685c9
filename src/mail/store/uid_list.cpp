// The UID list codec: see uid_list.hpp.
#include "mail/store/uid_list.hpp"

#include <charconv>

namespace layer7::mail {

namespace {

constexpr std::string_view magic = "layer7-uidlist 1 ";

template <class Number = std::uint32_t>
std::optional<Number> number(std::string_view text)
{
    Number v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return v;
}

}  // namespace

std::string encode_uid_list(const UidList& list)
{
    std::string out(magic);
    out += std::to_string(list.validity) + " " + std::to_string(list.next) + "\n";
    for (const auto& e : list.entries) {
        out += std::to_string(e.uid) + " " + e.unique;
        if (e.wire_size > 0)
            out += " " + std::to_string(e.size) + " " + std::to_string(e.wire_size);
        out += "\n";
    }
    return out;
}

std::optional<UidList> decode_uid_list(std::string_view text)
{
    if (text.substr(0, magic.size()) != magic || text.empty() || text.back() != '\n')
        return std::nullopt;
    text.remove_prefix(magic.size());
    auto take_line = [&text] {
        const auto lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        text.remove_prefix(lf + 1);
        return line;
    };
    std::string_view head = take_line();
    const auto space = head.find(' ');
    if (space == std::string_view::npos)
        return std::nullopt;
    auto validity = number(head.substr(0, space));
    auto next = number(head.substr(space + 1));
    if (!validity || !next || *validity == 0 || *next == 0)
        return std::nullopt;
    UidList list{*validity, *next, {}};
    std::uint32_t last = 0;
    while (!text.empty()) {
        std::string_view line = take_line();
        const auto sp = line.find(' ');
        if (sp == std::string_view::npos)
            return std::nullopt;
        auto uid = number(line.substr(0, sp));
        std::string_view unique = line.substr(sp + 1);
        UidEntry entry;
        if (const auto sizes = unique.find(' '); sizes != std::string_view::npos) {
            std::string_view rest = unique.substr(sizes + 1);
            unique = unique.substr(0, sizes);
            const auto between = rest.find(' ');
            if (between == std::string_view::npos)
                return std::nullopt;
            auto size = number<std::uint64_t>(rest.substr(0, between));
            auto wire = number<std::uint64_t>(rest.substr(between + 1));
            if (!size || !wire || *wire < *size || *wire == 0)
                return std::nullopt;
            entry.size = *size;
            entry.wire_size = *wire;
        }
        if (!uid || *uid <= last || *uid >= list.next || unique.empty() ||
            unique.find_first_of(" /") != std::string_view::npos)
            return std::nullopt;
        last = *uid;
        entry.uid = *uid;
        entry.unique = std::string(unique);
        list.entries.push_back(std::move(entry));
    }
    return list;
}

}  // namespace layer7::mail
