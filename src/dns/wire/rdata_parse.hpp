// Parsing RDATA from zone-file tokens for the types Rdata knows, HINFO, and the generic
// "\# length hex" form of RFC 3597 §5 for any type.
#pragma once

#include <span>
#include <string>

#include "core/result.hpp"
#include "dns/wire/rdata.hpp"
#include "dns/wire/rdata_text.hpp"

namespace layer7::dns {

// Relative names in the fields are completed with `origin`. The error is a message for the user.
core::Result<Rdata, std::string> parse_rdata(RrType type, std::span<const TextToken> fields, const Name& origin);

}  // namespace layer7::dns
