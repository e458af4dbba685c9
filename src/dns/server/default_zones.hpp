// The textbook's zones, embedded so `layer7 up` answers at once (DESIGN.md §5): networkutopia.com
// (the registrar example), crepes.fr and hamburger.edu (the mail chapter's hosts, on 127.0.0.1).
#pragma once

#include <string_view>
#include <vector>

namespace layer7::dns {

struct EmbeddedZone {
    std::string_view origin;
    std::string_view text;
};

const std::vector<EmbeddedZone> &default_zones();

}  // namespace layer7::dns
