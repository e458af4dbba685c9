// ZoneError: where a zone file went wrong (file, line) and why, in words for the operator.
#pragma once

#include <cstddef>
#include <string>

namespace layer7::dns {

struct ZoneError {
    std::string file;
    std::size_t line = 0;  // 1-based; 0 when the problem is the zone as a whole (no SOA)
    std::string message;
};

inline std::string to_text(const ZoneError& e)
{
    return e.file + ":" + std::to_string(e.line) + ": " + e.message;
}

}  // namespace layer7::dns
