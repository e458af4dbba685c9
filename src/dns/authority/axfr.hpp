// Zone transfer (RFC 5936, RFC 1995): the zone or its changes as a stream of messages, SOA first
// and last, for the TCP server to send one after another.
#pragma once

#include <cstddef>
#include <vector>

#include "dns/wire/message.hpp"
#include "dns/zone/zone.hpp"

namespace layer7::dns {

inline constexpr std::size_t axfr_message_bytes = 16384;  // well under 65535 after compression

// The whole zone; each message holds records up to `max_bytes` uncompressed. Messages carry
// `id` and, in the first one, the question <origin, AXFR> (RFC 5936 §2.2.1).
std::vector<Message> axfr(const Zone& zone, std::uint16_t id = 0, std::size_t max_bytes = axfr_message_bytes);
// For an AXFR or IXFR query: the transfer of the zone whose apex is the question's name, or one
// REFUSED/NOTAUTH or FORMERR message (RFC 5936 §2.2.1). IXFR (RFC 1995) gets only our SOA when the
// client's SOA (in the query's authority section) is as new as ours, the changes since its serial
// when the zone's history reaches back to it, and otherwise the whole zone, AXFR-style (§4).
std::vector<Message> axfr(const Message& query, const ZoneSet& zones, std::size_t max_bytes = axfr_message_bytes);

}  // namespace layer7::dns
