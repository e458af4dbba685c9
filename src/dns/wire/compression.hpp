// Name compression (RFC 1035 §4.1.4): reading possibly compressed names safely, and writing names
// that point at earlier copies. Matches are case-sensitive so every name keeps its own case.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/bytes/wire_reader.hpp"
#include "core/bytes/wire_writer.hpp"
#include "core/result.hpp"
#include "dns/wire/decode_error.hpp"
#include "dns/wire/name.hpp"

namespace layer7::dns {

// Reads the name at the reader's position; the reader ends after the name's in-place bytes.
// Every pointer must aim before the segment that holds it, so decoding always terminates.
core::Result<Name, DecodeError> read_name(core::WireReader& reader, const DecodeLimits& limits);

class NameCompressor {
public:
    // Writes `name`, ending in a pointer to an earlier copy of its longest known suffix when
    // `compress` is set; all or nothing: false if it does not fit.
    bool write(core::WireWriter& out, const Name& name, bool compress);
    // Forgets names written at or after `offset` (they were truncated away).
    void forget_from(std::size_t offset);

private:
    std::vector<std::pair<std::string, std::uint16_t>> known_;  // wire suffix → its offset
};

}  // namespace layer7::dns
