// `layer7 dig`: one query printed as dig prints it, or +trace, the iterated path from the root
// hints down to the authoritative servers, one step per server (the textbook's iterated query).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace layer7::dns {

inline constexpr const char* system_root_hints = "/usr/share/dns/root.hints";

// Returns dig's exit status: 0 answered, 1 usage error, 9 no reply from any server, 10 other failure.
int run_dig(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace layer7::dns
