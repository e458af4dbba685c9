// Presentation (zone-file) text of RDATA fields (RFC 1035 §5.1, RFC 3597 §5, RFC 5952, BIND TTL
// units): tokens in, typed Rdata out, plus the small formatters to_text(Rdata) shares.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/result.hpp"
#include "dns/wire/name.hpp"
#include "dns/wire/types.hpp"

#include "core/text/ip_text.hpp"

namespace layer7::dns {

// One whitespace-separated field as written: escapes still in place, quotes removed.
struct TextToken {
    std::string text;
    bool quoted = false;
};

// "3600", "1h30m", "1d", "2w" (units s m h d w, any case, as BIND reads them).
std::optional<std::uint32_t> parse_ttl(std::string_view text);
// A <character-string> with \DDD and \X escapes resolved; nullopt if malformed or over 255 octets.
std::optional<std::string> parse_character_string(std::string_view text);
// The same without the length limit (CAA values).
std::optional<std::string> unescape_text(std::string_view text);
using core::format_ipv6;
using core::parse_ipv4;
using core::parse_ipv6;
std::string quote_string(std::string_view octets);  // "…" with escapes

}  // namespace layer7::dns
