// Authoritative answers (RFC 1034 §4.3.2, RFC 2308, RFC 4592, RFC 6891, RFC 8482) as one pure
// function of the query and the loaded zones; the server only decodes, calls, encodes.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dns/wire/message.hpp"
#include "dns/zone/zone.hpp"

namespace layer7::dns {

struct AnswerOptions {
    std::uint16_t udp_size = 1232;    // our EDNS payload size (DNS flag day 2020)
    std::size_t max_cname_chain = 8;  // CNAMEs followed inside one zone before stopping
};

// Never fails: malformed or unsupported queries get FORMERR, NOTIMP, REFUSED or BADVERS.
// ANY is answered with one RRset of the name (RFC 8482 §4.2), not with HINFO.
// AXFR gets NOTIMP here (transfers go through axfr() on TCP); IXFR for a zone's apex gets the
// zone's SOA alone (RFC 1995 §2: current, or retry on TCP). RD, CD and DO are copied for QUERY only.
Message answer(const Message& query, const ZoneSet& zones, const AnswerOptions& options = {});

// The size to encode a UDP reply to: the client's EDNS size within [512, 4096], or 512 without
// EDNS (RFC 1035 §4.2.1, RFC 6891 §6.2.5).
std::size_t udp_reply_size(const Message& query);

}  // namespace layer7::dns
