// SEARCH: see search.hpp.
#include "mail/imap/search.hpp"

#include <algorithm>

#include "mail/imap/dates.hpp"
#include "mail/message/header.hpp"

namespace layer7::mail::imap {

namespace {

struct Parser {
    Reader& in;
    std::size_t depth_limit;
    std::size_t max_ranges;
    std::string error;
    bool uses_modseq = false;

    std::optional<SearchKey> fail(std::string why)
    {
        if (error.empty())
            error = std::move(why);
        return std::nullopt;
    }

    std::optional<std::string> argument()
    {
        if (!in.space())
            return std::nullopt;
        return in.astring();
    }

    // One key; "(" keys ")" counts one level of depth, as do OR and NOT.
    std::optional<SearchKey> key(std::size_t depth)
    {
        if (depth > depth_limit)
            return fail("search criteria nested too deep");
        using K = SearchKey::Kind;
        SearchKey k;
        if (in.consume('(')) {
            k.kind = K::and_;
            do {
                auto child = key(depth + 1);
                if (!child)
                    return std::nullopt;
                k.children.push_back(std::move(*child));
            } while (in.space());
            if (!in.consume(')'))
                return fail("missing )");
            return k;
        }
        if ((in.peek() >= '0' && in.peek() <= '9') || in.peek() == '*') {
            auto set = in.sequence_set(max_ranges);
            if (!set)
                return fail("bad sequence set");
            k.kind = K::sequence;
            k.set = std::move(*set);
            return k;
        }
        auto word = in.atom();
        if (!word)
            return fail("search key expected");
        const std::string name = core::to_upper(*word);
        static const struct {
            std::string_view name;
            K kind;
            char flag;
        } flags[] = {{"ANSWERED", K::flag_set, 'R'},
                     {"DELETED", K::flag_set, 'T'},
                     {"DRAFT", K::flag_set, 'D'},
                     {"FLAGGED", K::flag_set, 'F'},
                     {"SEEN", K::flag_set, 'S'},
                     {"OLD", K::all, 0},
                     {"UNANSWERED", K::flag_unset, 'R'},
                     {"UNDELETED", K::flag_unset, 'T'},
                     {"UNDRAFT", K::flag_unset, 'D'},
                     {"UNFLAGGED", K::flag_unset, 'F'},
                     {"UNSEEN", K::flag_unset, 'S'},
                     {"ALL", K::all, 0},
                     {"NEW", K::none, 0},
                     {"RECENT", K::none, 0}};
        for (const auto& f : flags)
            if (name == f.name) {
                k.kind = f.kind;
                k.flag = f.flag;
                return k;
            }
        static const struct {
            std::string_view name;
            K kind;
        } dated[] = {{"BEFORE", K::before},          {"ON", K::on},          {"SINCE", K::since},
                     {"SENTBEFORE", K::sent_before}, {"SENTON", K::sent_on}, {"SENTSINCE", K::sent_since}};
        for (const auto& d : dated)
            if (name == d.name) {
                auto text = argument();
                auto day = text ? parse_date(*text) : std::nullopt;
                if (!day)
                    return fail("bad date");
                k.kind = d.kind;
                k.number = *day;
                return k;
            }
        static const std::string_view fields[] = {"FROM", "TO", "CC", "BCC", "SUBJECT"};
        for (auto f : fields)
            if (name == f) {
                auto value = argument();
                if (!value)
                    return fail("string expected");
                k.kind = K::header;
                k.field = std::string(f);
                k.value = std::move(*value);
                return k;
            }
        if (name == "HEADER") {
            auto field = argument();
            auto value = field ? argument() : std::nullopt;
            if (!value)
                return fail("HEADER field-name string");
            k.kind = K::header;
            k.field = std::move(*field);
            k.value = std::move(*value);
            return k;
        }
        if (name == "BODY" || name == "TEXT") {
            auto value = argument();
            if (!value)
                return fail("string expected");
            k.kind = name == "BODY" ? K::body : K::text;
            k.value = std::move(*value);
            return k;
        }
        if (name == "KEYWORD" || name == "UNKEYWORD") {
            if (!in.space() || !in.atom())
                return fail("keyword expected");
            k.kind = name == "KEYWORD" ? K::none : K::all;  // no keywords are ever stored
            return k;
        }
        if (name == "LARGER" || name == "SMALLER") {
            std::optional<std::uint32_t> n;
            if (in.space())
                n = in.number_or_zero();
            if (!n)
                return fail("number expected");
            k.kind = name == "LARGER" ? K::larger : K::smaller;
            k.number = *n;
            return k;
        }
        if (name == "UID") {
            std::optional<SequenceSet> set;
            if (in.space())
                set = in.sequence_set(max_ranges);
            if (!set)
                return fail("UID set expected");
            k.kind = K::uid;
            k.set = std::move(*set);
            return k;
        }
        if (name == "MODSEQ") {  // RFC 7162 §3.1.5: MODSEQ [entry-name entry-type-req] mod-sequence-valzer
            if (!in.space())
                return fail("MODSEQ needs a value");
            if (in.peek() == '"') {  // one modseq per message here, so the entry only has to be well formed
                auto entry = in.quoted();
                std::optional<std::string> type;
                if (entry && in.space())
                    type = in.atom();
                if (!type || entry->size() < 7 || !iequals(entry->substr(0, 7), "/flags/") ||
                    !(iequals(*type, "priv") || iequals(*type, "shared") || iequals(*type, "all")) || !in.space())
                    return fail("MODSEQ \"/flags/<flag>\" priv|shared|all value");
            }
            auto value = in.mod_sequence(true);
            if (!value)
                return fail("MODSEQ value expected");
            k.kind = K::modseq;
            k.modseq = *value;
            uses_modseq = true;
            return k;
        }
        if (name == "NOT") {
            if (!in.space())
                return fail("NOT needs a key");
            auto child = key(depth + 1);
            if (!child)
                return std::nullopt;
            k.kind = K::not_;
            k.children.push_back(std::move(*child));
            return k;
        }
        if (name == "OR") {
            for (int i = 0; i < 2; ++i) {
                if (!in.space())
                    return fail("OR needs two keys");
                auto child = key(depth + 1);
                if (!child)
                    return std::nullopt;
                k.children.push_back(std::move(*child));
            }
            k.kind = K::or_;
            return k;
        }
        return fail("unknown search key " + name);
    }
};

bool contains_folded(std::string_view haystack, std::string_view needle)
{
    if (needle.empty())
        return true;
    auto fold = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                       [&](char a, char b) { return fold(a) == fold(b); }) != haystack.end();
}

}  // namespace

SearchParse parse_search(Reader& reader, std::size_t depth_limit, std::size_t max_set_ranges)
{
    SearchParse out;
    Parser p{reader, depth_limit, max_set_ranges, {}, false};
    const std::string_view rest = reader.rest();
    if (rest.size() >= 8 && iequals(rest.substr(0, 8), "CHARSET ")) {
        reader.atom();
        reader.space();
        auto charset = reader.astring();
        if (!charset || !reader.space()) {
            out.error = "CHARSET needs a name and criteria";
            return out;
        }
        if (!iequals(*charset, "UTF-8") && !iequals(*charset, "US-ASCII")) {
            out.bad_charset = true;
            return out;
        }
    }
    SearchKey all;
    all.kind = SearchKey::Kind::and_;
    do {
        auto k = p.key(1);
        if (!k) {
            out.error = p.error;
            return out;
        }
        all.children.push_back(std::move(*k));
    } while (reader.space());
    if (!reader.at_end()) {
        out.error = "junk after search criteria";
        return out;
    }
    out.key = std::move(all);
    out.modseq = p.uses_modseq;
    return out;
}

bool matches(const SearchKey& k, const SearchSubject& s)
{
    using K = SearchKey::Kind;
    auto header_of = [&s]() -> std::optional<mail::Header> {
        const std::string* content = s.content();
        if (!content)
            return std::nullopt;
        auto parsed = mail::parse_header(*content);
        if (!parsed)
            return std::nullopt;
        return std::move(parsed->header);
    };
    auto sent_day = [&]() -> std::optional<std::int64_t> {
        auto h = header_of();
        return h ? parse_message_day(h->get("Date")) : std::nullopt;
    };
    switch (k.kind) {
    case K::all: return true;
    case K::none: return false;
    case K::flag_set: return s.flags.find(k.flag) != std::string_view::npos;
    case K::flag_unset: return s.flags.find(k.flag) == std::string_view::npos;
    case K::before: return s.internal_day() < k.number;
    case K::on: return s.internal_day() == k.number;
    case K::since: return s.internal_day() >= k.number;
    case K::sent_before: {
        auto d = sent_day();
        return d && *d < k.number;
    }
    case K::sent_on: {
        auto d = sent_day();
        return d && *d == k.number;
    }
    case K::sent_since: {
        auto d = sent_day();
        return d && *d >= k.number;
    }
    case K::header: {
        auto h = header_of();
        if (!h)
            return false;
        return std::any_of(h->fields.begin(), h->fields.end(), [&](const mail::HeaderField& f) {
            return mail::iequals(f.name, k.field) && contains_folded(f.value, k.value);
        });
    }
    case K::body:
    case K::text: {
        const std::string* content = s.content();
        if (!content)
            return false;
        std::string_view text = *content;
        if (k.kind == K::body) {
            auto parsed = mail::parse_header(text);
            text.remove_prefix(parsed ? std::min(parsed->body_offset, text.size()) : 0);
        }
        return contains_folded(text, k.value);
    }
    case K::larger: return s.size > static_cast<std::uint64_t>(k.number);
    case K::smaller: return s.size < static_cast<std::uint64_t>(k.number);
    case K::sequence: return k.set.contains(s.sequence, s.largest_sequence);
    case K::uid: return k.set.contains(s.uid, s.largest_uid);
    case K::modseq: return s.modseq >= k.modseq;
    case K::not_: return !matches(k.children[0], s);
    case K::or_: return matches(k.children[0], s) || matches(k.children[1], s);
    case K::and_:
        return std::all_of(k.children.begin(), k.children.end(), [&](const SearchKey& c) { return matches(c, s); });
    }
    return false;
}

}  // namespace layer7::mail::imap
