// ftp://[user[:password]@]host[:port]/path URLs for the client (RFC 1738 §3.2), percent-decoded (pure).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/text/host_port.hpp"

namespace layer7::ftp {

struct Url {
    std::string user = "anonymous";
    std::string password = "layer7@";  // RFC 1635: a guest gives an e-mail address
    core::HostPort server{"", 21};
    std::string path;        // decoded, relative to the login directory; "" for it
    bool directory = false;  // the URL ended with '/'
};

// nullopt for another scheme, a bad port, a bad %-escape or a decoded NUL, CR or LF (command injection).
std::optional<Url> parse_url(std::string_view text);

}  // namespace layer7::ftp
