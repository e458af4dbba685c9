// /etc/resolv.conf's first nameserver: see resolv_conf.hpp.
#include "dns/client/resolv_conf.hpp"

#include <sstream>

namespace layer7::dns {

std::optional<std::string> first_nameserver(std::istream& in)
{
    for (std::string line; std::getline(in, line);) {
        std::istringstream words(line);
        std::string key, value;
        if (words >> key >> value && key == "nameserver")
            return value;  // a comment begins with its own word, so it never reads as "nameserver"
    }
    return std::nullopt;
}

}  // namespace layer7::dns
