// Loading zones from files (and the embedded ones) into one ZoneSet, for start-up and SIGHUP, with
// the changes their journals hold since the files were written.
// A zone file's origin comes from "ORIGIN=FILE", else its first $ORIGIN, else an absolute SOA
// owner, else the file name ("crepes.fr.zone" → crepes.fr.).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "dns/zone/zone.hpp"
#include "dns/zone/zone_parser.hpp"

namespace layer7::dns {

struct ZoneSource {
    std::string spec;  // "FILE" or "ORIGIN=FILE"
};

// The origin a zone file declares or implies; empty string when none can be found.
std::string guess_origin(std::string_view text, std::string_view file);

// A zone read from a file, and its journal (FILE.jnl, see dns/zone/journal.hpp).
struct ZoneFile {
    Name origin;
    std::string path, journal;
    std::size_t replayed = 0;  // journal changes applied on top of the file
    std::string journal_note;  // why the journal was set aside, when it was ("" when it was used)
};

struct LoadedZones {
    std::shared_ptr<const ZoneSet> zones;
    std::vector<ZoneFile> files;
};

// Reads and parses every file, replays each zone's journal from the file's serial (the history
// then holds the journal's changes up to the current serial), and adds the `embedded` zones too. The error is one line,
// "file:line: message". A journal that does not continue the file's serial (the file was edited since) is left out,
// with a note.
core::Result<LoadedZones, std::string> load_zone_files(const std::vector<std::string>& specs,
                                                       const std::vector<EmbeddedZone>& embedded = {});
// The same, without the files' details.
core::Result<std::shared_ptr<const ZoneSet>, std::string> load_zones(const std::vector<std::string>& specs,
                                                                     const std::vector<EmbeddedZone>& embedded = {});

}  // namespace layer7::dns
