// One line per DNS message for the lab's transcripts: the question, or what the answer brings
// (its records, a referral with its glue, or the rcode). Shared by dns-resolution and smtp-relay.
#pragma once

#include <string>
#include <string_view>

namespace layer7::lab {

// "query gaia.cs.umass.edu. A", "answer hamburger.edu. 10 mail.hamburger.edu.", "referral: NS …".
std::string dns_summary(std::string_view bytes);

}  // namespace layer7::lab
