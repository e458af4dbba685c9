// Errors and limits of the DNS message decoder (RFC 1035 §4, RFC 6891 §6.1.1).
#pragma once

#include <cstddef>
#include <string_view>

namespace layer7::dns {

enum class DecodeError {
    short_header,      // fewer than 12 octets
    short_message,     // a section ends before its count says
    bad_label,         // label type 0x40 / 0x80 (RFC 6891 §5: extended labels are obsolete)
    bad_pointer,       // compression pointer to itself, forward, or out of the message
    pointer_loop,      // more pointer hops than DecodeLimits::max_pointer_hops
    name_too_long,     // over 255 octets once decompressed (RFC 1035 §3.1)
    short_rdata,       // RDATA shorter than its fields, or RDLENGTH past the end
    bad_rdata,         // RDATA longer than its fields or otherwise malformed
    bad_opt,           // OPT not in additional, not owned by the root, or more than one
    too_many_records,  // over DecodeLimits::max_records
    trailing_bytes,    // octets after the last record
};

struct DecodeLimits {
    std::size_t max_records = 1024;  // all sections together; NSD packet.h caps RRs too
    int max_pointer_hops = 126;      // (255+1)/2-2, as miekg/dns msg.go
};

std::string_view to_string(DecodeError e);

}  // namespace layer7::dns
