// The journal's text: see journal.hpp.
#include "dns/zone/journal.hpp"

#include "dns/wire/rdata_parse.hpp"
#include "dns/zone/zone_lexer.hpp"

namespace layer7::dns {
namespace {

constexpr std::string_view end_marker = "$END\n";

}  // namespace

std::string journal_block(const ZoneChange& change)
{
    std::string out =
        "$CHANGE " + std::to_string(change.from_serial()) + " " + std::to_string(change.to_serial()) + "\n";
    for (const auto& r : change.removed)
        out += "-\t" + to_text(r) + "\n";
    for (const auto& r : change.added)
        out += "+\t" + to_text(r) + "\n";
    out += end_marker;
    return out;
}

JournalText parse_journal(std::string_view text, const Name& origin)
{
    JournalText out;
    // Only whole blocks: everything up to the last "$END" line (a block never starts with one).
    const auto end = text.rfind("\n" + std::string(end_marker));
    if (end == std::string_view::npos)
        return out;
    const std::string_view whole = text.substr(0, end + 1 + end_marker.size());
    auto entries = lex_zone(whole, "journal");
    if (!entries) {
        out.error = "journal:" + std::to_string(entries.error().line) + ": " + entries.error().message;
        return out;
    }
    std::optional<ZoneChange> open;
    for (const auto& e : entries.value()) {
        auto fail = [&](const std::string& m) { out.error = "journal:" + std::to_string(e.line) + ": " + m; };
        const std::string& word = e.owner_omitted ? std::string() : e.tokens[0].text;
        if (word == "$CHANGE") {
            if (open) {
                fail("$CHANGE inside a block");
                return out;
            }
            open.emplace();
        } else if (word == "$END") {
            if (!open || open->removed.empty() || open->added.empty() || !open->from_serial() || !open->to_serial()) {
                fail("a block without both SOAs");
                return out;
            }
            out.changes.push_back(std::move(*open));
            open.reset();
        } else if (word == "-" || word == "+") {
            if (!open || e.tokens.size() < 5) {
                fail("a record outside a block, or too short");
                return out;
            }
            auto owner = Name::parse(e.tokens[1].text);
            auto ttl = parse_ttl(e.tokens[2].text);
            auto type = parse_type(e.tokens[4].text);
            if (!owner || !owner.value().is_subdomain_of(origin) || !ttl || e.tokens[3].text != "IN" || !type) {
                fail("bad record");
                return out;
            }
            auto data = parse_rdata(*type, std::span(e.tokens).subspan(5), origin);
            if (!data) {
                fail(data.error());
                return out;
            }
            (word == "-" ? open->removed : open->added)
                .push_back(Record{std::move(owner).value(), *type, RrClass::in, *ttl, std::move(data).value()});
        } else {
            fail("unknown line");
            return out;
        }
    }
    out.complete = whole.size();
    return out;
}

}  // namespace layer7::dns
