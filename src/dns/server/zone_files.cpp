// Loading zone files: see zone_files.hpp.
#include "dns/server/zone_files.hpp"

#include <filesystem>

#include "core/config/config.hpp"
#include "dns/zone/journal.hpp"
#include "dns/zone/zone_parser.hpp"

namespace layer7::dns {

namespace {
std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}
std::string_view first_word(std::string_view s)
{
    s = trim(s);
    return s.substr(0, s.find_first_of(" \t;("));
}
}  // namespace

std::string guess_origin(std::string_view text, std::string_view file)
{
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t end = text.find('\n', pos);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        std::string_view word = first_word(line);
        if (word.empty() || word.front() == ';' || word.front() == '$') {
            if (word == "$ORIGIN" || word == "$origin") {
                std::string_view rest = trim(line).substr(word.size());
                std::string origin(first_word(rest));
                if (!origin.empty() && origin.back() != '.')
                    origin += '.';
                return origin;
            }
            continue;
        }
        // The first record: its owner, when written absolute at the start of the line.
        if (line.front() != ' ' && line.front() != '\t' && word.back() == '.')
            return std::string(word);
        break;
    }
    std::string stem = std::filesystem::path(std::string(file)).filename().string();
    for (std::string_view suffix : {".zone", ".db", ".txt"})
        if (stem.size() > suffix.size() && stem.ends_with(suffix))
            stem.resize(stem.size() - suffix.size());
    if (stem.starts_with("db."))
        stem.erase(0, 3);
    if (stem.empty())
        return {};
    if (stem.back() != '.')
        stem += '.';
    return stem;
}

namespace {

// The journal's changes from the zone's serial on, applied; the history keeps the unbroken run of
// changes that ends at the resulting serial.
void replay_journal(Zone& zone, ZoneHistory& history, ZoneFile& file)
{
    auto text = core::read_text_file(file.journal);
    if (!text)
        return;
    auto read = parse_journal(*text, zone.origin());
    if (!read.error.empty())
        file.journal_note = file.journal + ": " + read.error;
    ZoneHistory all;
    for (auto& c : read.changes)
        all.push_back(std::make_shared<const ZoneChange>(std::move(c)));
    const std::uint32_t serial = soa_serial(zone);
    auto chain = changes_since(all, serial);
    if (!chain) {
        if (file.journal_note.empty() && !all.empty())
            file.journal_note = file.journal + ": does not continue serial " + std::to_string(serial) + " of " +
                                file.path + "; set aside";
        return;
    }
    Zone replayed = zone;
    for (const auto& change : *chain)
        if (!apply(replayed, *change)) {
            file.journal_note = file.journal + ": change to serial " + std::to_string(change->to_serial()) +
                                " does not apply; set aside";
            return;
        }
    zone = std::move(replayed);
    file.replayed = chain->size();
    std::size_t first = all.size();
    while (first > 0 && (first == all.size() || all[first - 1]->to_serial() == all[first]->from_serial()))
        --first;
    history.assign(all.begin() + static_cast<long>(first), all.end());
}

}  // namespace

core::Result<LoadedZones, std::string> load_zone_files(const std::vector<std::string>& specs,
                                                       const std::vector<EmbeddedZone>& embedded)
{
    auto set = std::make_shared<ZoneSet>();
    LoadedZones loaded;
    auto add = [&](std::string_view text, const std::string& origin_text, const std::string& file,
                   bool journal) -> std::optional<std::string> {
        auto origin = Name::parse(origin_text);
        if (!origin.ok())
            return file + ": origin '" + origin_text + "' is not a domain name";
        auto zone = parse_zone(text, origin.value(), file);
        if (!zone.ok())
            return to_text(zone.error());
        if (set->entry(origin.value()))
            return file + ": zone " + origin.value().to_text() + " is loaded twice";
        ZoneHistory history;
        if (journal) {
            ZoneFile f{origin.value(), file, file + ".jnl", 0, {}};
            replay_journal(zone.value(), history, f);
            loaded.files.push_back(std::move(f));
        }
        set->put(std::make_shared<const Zone>(std::move(zone).value()), std::move(history));
        return std::nullopt;
    };
    for (const auto& z : embedded)
        if (auto e = add(z.text, std::string(z.origin), "<embedded " + std::string(z.origin) + ">", false))
            return core::fail(*e);
    for (const auto& spec : specs) {
        std::string file = spec, origin;
        if (auto eq = spec.find('='); eq != std::string::npos && eq > 0 && !std::filesystem::exists(spec)) {
            origin = spec.substr(0, eq);
            file = spec.substr(eq + 1);
        }
        auto text = core::read_text_file(file);
        if (!text)
            return core::fail(file + ": cannot read the zone file");
        if (origin.empty())
            origin = guess_origin(*text, file);
        if (origin.empty())
            return core::fail(file + ":1: no $ORIGIN; name the zone as ORIGIN=" + file);
        if (auto e = add(*text, origin, file, true))
            return core::fail(*e);
    }
    loaded.zones = std::move(set);
    return loaded;
}

core::Result<std::shared_ptr<const ZoneSet>, std::string> load_zones(const std::vector<std::string>& specs,
                                                                     const std::vector<EmbeddedZone>& embedded)
{
    auto loaded = load_zone_files(specs, embedded);
    if (!loaded)
        return core::fail(loaded.error());
    return std::move(loaded).value().zones;
}

}  // namespace layer7::dns
