// Loading zones from files (and the embedded ones) into one ZoneSet, for start-up and SIGHUP.
// A zone file's origin comes from "ORIGIN=FILE", else its first $ORIGIN, else an absolute SOA
// owner, else the file name ("crepes.fr.zone" → crepes.fr.).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "dns/zone/zone.hpp"

namespace layer7::dns {

struct ZoneSource {
    std::string spec;  // "FILE" or "ORIGIN=FILE"
};

// The origin a zone file declares or implies; empty string when none can be found.
std::string guess_origin(std::string_view text, std::string_view file);

// Reads and parses every file; with `embedded`, adds the default zones too. The error is one line,
// "file:line: message".
core::Result<std::shared_ptr<const ZoneSet>, std::string> load_zones(const std::vector<std::string> &specs,
                                                                      bool embedded);

}  // namespace layer7::dns
