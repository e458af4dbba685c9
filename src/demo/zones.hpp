// The textbook's zones, embedded so `layer7 up` answers at once (DESIGN.md §5): networkutopia.com
// (the registrar example), crepes.fr and hamburger.edu (the mail chapter's hosts, on 127.0.0.1).
// `up` hands them to [dns] (dns::parse_config), and `layer7 dns serve --embedded` too.
#pragma once

#include <vector>

#include "dns/zone/zone_parser.hpp"

namespace layer7::demo {

const std::vector<dns::EmbeddedZone>& textbook_zones();

}  // namespace layer7::demo
