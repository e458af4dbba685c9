// What delivery makes of DNS answers (pure): an MX reply becomes the hosts with their preferences
// or a status, two address replies (A, AAAA) become the addresses to dial. plan_mx (scheduler.hpp)
// then turns an MxAnswer into hosts to try or a verdict for the domain (RFC 5321 §5.1, RFC 7505).
#pragma once

#include <string>
#include <vector>

#include "core/result.hpp"
#include "dns/resolver/resolve_error.hpp"
#include "dns/wire/message.hpp"
#include "mail/delivery/route.hpp"

namespace layer7::mail::delivery {

enum class LookupStatus {
    ok,
    no_data,    // the name exists, without records of that type (NOERROR/NODATA)
    no_domain,  // NXDOMAIN: permanent
    temporary,  // SERVFAIL, timeout, no server: try later
};

struct MxAnswer {
    LookupStatus status = LookupStatus::temporary;
    std::vector<MxHost> hosts;  // as the server listed them; "" is the root (a null MX)
};

struct AddressAnswer {
    LookupStatus status = LookupStatus::temporary;
    std::vector<std::string> addresses;  // IP literals, IPv4 first
};

// What dns::Resolver::resolve() gave: a NOERROR or NXDOMAIN reply, or why there is none.
using DnsAnswer = core::Result<dns::Message, dns::ResolveError>;

// The MX records of the answer (a CNAME chain before them is skipped); no_data when the name
// has none, no_domain on NXDOMAIN, temporary when no server answered or it answered otherwise.
MxAnswer mx_answer(const DnsAnswer& answer);
// The A then the AAAA addresses of a host. Without any address: no_domain when a reply was
// NXDOMAIN, else no_data when one was NOERROR, else temporary.
AddressAnswer address_answer(const DnsAnswer& a, const DnsAnswer& aaaa);

}  // namespace layer7::mail::delivery
