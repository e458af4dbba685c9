// The UID list codec: see uid_list.hpp.
#include "mail/store/uid_list.hpp"

#include <algorithm>
#include <charconv>

#include "core/text/percent.hpp"

namespace layer7::mail {

namespace {

constexpr std::string_view magic = "layer7-uidlist ";

template <class Number = std::uint32_t>
std::optional<Number> number(std::string_view text)
{
    Number v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return v;
}

// A line's space-separated fields, taken one by one. A space at the end of the line or two in a row
// make an empty field, which no caller accepts.
class Fields {
public:
    explicit Fields(std::string_view line) : rest_(line) {}
    std::string_view rest() const { return rest_; }
    bool done() const { return done_; }
    std::optional<std::string_view> next()
    {
        if (done_)
            return std::nullopt;
        const auto space = rest_.find(' ');
        std::string_view out = rest_.substr(0, space);
        done_ = space == std::string_view::npos;
        rest_ = done_ ? std::string_view{} : rest_.substr(space + 1);
        return out;
    }
    template <class Number = std::uint32_t>
    std::optional<Number> next_number()
    {
        auto f = next();
        return f ? number<Number>(*f) : std::nullopt;
    }

private:
    std::string_view rest_;
    bool done_ = false;
};

// Bytes a version 3 list writes as "%XX": those that would split a field or a line, and '%'.
bool escaped_in_list(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return u <= ' ' || u == 0x7f || c == '%';
}

void append_unique(std::string& out, std::string_view unique)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char c : unique) {
        if (!escaped_in_list(c)) {
            out += c;
            continue;
        }
        const auto u = static_cast<unsigned char>(c);
        out += '%';
        out += hex[u >> 4];
        out += hex[u & 0xf];
    }
}

// A version 3 UNIQUE field; nullopt unless written exactly as append_unique() writes it (one
// spelling per name: a list is data we wrote, so any other is damage) or holding a NUL.
std::optional<std::string> decode_unique(std::string_view field)
{
    if (field.find('%') == std::string_view::npos) {  // nearly every name: nothing to decode
        if (std::any_of(field.begin(), field.end(), escaped_in_list))
            return std::nullopt;
        return std::string(field);
    }
    auto decoded = core::percent_decode(field);
    if (!decoded)
        return std::nullopt;
    std::string again;
    append_unique(again, *decoded);
    if (again != field)
        return std::nullopt;
    return std::move(*decoded);
}

}  // namespace

std::string list_flags(std::string_view maildir_flags)
{
    std::string out;
    for (char c : maildir_flags)
        if (c > ' ' && c < 0x7f)
            out += c;
    return out;
}

std::string encode_uid_list(const UidList& list)
{
    std::string out(magic);
    out += "3 " + std::to_string(list.validity) + " " + std::to_string(list.next) + " " +
           std::to_string(list.highest_modseq) + " " + std::to_string(list.vanished_floor) + "\n";
    for (const auto& e : list.entries) {
        out += std::to_string(e.uid) + " ";
        append_unique(out, e.unique);
        out += " " + std::to_string(e.modseq) + " :" + list_flags(e.flags);
        if (e.wire_size > 0)
            out += " " + std::to_string(e.size) + " " + std::to_string(e.wire_size);
        out += "\n";
    }
    for (const auto& v : list.vanished)
        out += "- " + std::to_string(v.first) + " " + std::to_string(v.last) + " " + std::to_string(v.modseq) + "\n";
    return out;
}

std::vector<Vanished> vanished_since(const UidList& list, std::uint64_t since)
{
    std::vector<Vanished> out;
    if (since >= list.highest_modseq)
        return out;  // nothing at all happened since
    if (since >= list.vanished_floor) {
        for (const auto& v : list.vanished)
            if (v.modseq > since)
                out.push_back(v);
        std::sort(out.begin(), out.end(), [](const Vanished& a, const Vanished& b) { return a.first < b.first; });
        std::vector<Vanished> merged;
        for (const auto& v : out)
            if (!merged.empty() && v.first <= merged.back().last + 1)
                merged.back().last = std::max(merged.back().last, v.last);
            else
                merged.push_back(v);
        return merged;
    }
    std::uint32_t uid = 1;  // forgotten that far back: every UID below NEXT not there now
    for (const auto& e : list.entries) {
        if (e.uid > uid)
            out.push_back({uid, e.uid - 1, 0});
        uid = e.uid + 1;
    }
    if (uid < list.next)
        out.push_back({uid, list.next - 1, 0});
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
    Fields head(take_line());
    const auto version = head.next();
    if (version != "1" && version != "2" && version != "3")
        return std::nullopt;
    const bool with_modseqs = version != "1";  // and flags and expunge ranges
    const bool escaped = version == "3";
    auto validity = head.next_number();
    auto next = head.next_number();
    std::optional<std::uint64_t> highest = std::uint64_t{0}, floor = std::uint64_t{0};
    if (with_modseqs) {
        highest = head.next_number<std::uint64_t>();
        floor = head.next_number<std::uint64_t>();
    }
    if (!validity || !next || !highest || !floor || !head.done() || *validity == 0 || *next == 0 ||
        (with_modseqs && (*highest == 0 || *highest > max_modseq || *floor > *highest)))
        return std::nullopt;
    UidList list{*validity, *next, *highest, *floor, {}, {}};
    std::uint32_t last = 0;
    while (!text.empty()) {
        Fields line(take_line());
        if (with_modseqs && line.rest().starts_with("- ")) {  // "- FIRST LAST MODSEQ": after every message line
            line.next();
            auto first = line.next_number(), end = line.next_number();
            auto modseq = line.next_number<std::uint64_t>();
            if (!first || !end || !modseq || !line.done() || *first == 0 || *first > *end || *end >= list.next ||
                *modseq <= list.vanished_floor || *modseq > list.highest_modseq ||
                (!list.vanished.empty() && *modseq < list.vanished.back().modseq))
                return std::nullopt;
            list.vanished.push_back({*first, *end, *modseq});
            continue;
        }
        if (!list.vanished.empty())
            return std::nullopt;
        UidEntry entry;
        auto uid = line.next_number();
        auto field = line.next();
        std::optional<std::string> unique;
        if (field)
            unique = escaped ? decode_unique(*field) : std::string(*field);
        if (!uid || !unique || *uid <= last || *uid >= list.next || unique->empty() ||
            unique->find('/') != std::string::npos)
            return std::nullopt;
        if (with_modseqs) {
            auto modseq = line.next_number<std::uint64_t>();
            auto flags = line.next();
            if (!modseq || *modseq == 0 || *modseq > list.highest_modseq || !flags || flags->empty() ||
                flags->front() != ':')
                return std::nullopt;
            entry.modseq = *modseq;
            entry.flags = std::string(flags->substr(1));
        }
        if (!line.done()) {
            auto size = line.next_number<std::uint64_t>();
            auto wire = line.next_number<std::uint64_t>();
            if (!size || !wire || !line.done() || *wire < *size || *wire == 0)
                return std::nullopt;
            entry.size = *size;
            entry.wire_size = *wire;
        }
        last = *uid;
        entry.uid = *uid;
        entry.unique = std::move(*unique);
        list.entries.push_back(std::move(entry));
    }
    return list;
}

}  // namespace layer7::mail
