// The system's stub-resolver configuration, /etc/resolv.conf (resolv.conf(5)): only the first
// `nameserver` line is read, the server `dig` and mail delivery ask when none is given.
#pragma once

#include <istream>
#include <optional>
#include <string>

namespace layer7::dns {

// The address text of the first `nameserver` line; nullopt when there is none. Lines starting
// with '#' or ';' are comments. The file is the administrator's, read once at start-up.
std::optional<std::string> first_nameserver(std::istream& resolv_conf);

}  // namespace layer7::dns
