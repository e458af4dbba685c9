// The CGI meta-variables (RFC 3875 §4.1): what the server tells a script about the request, as
// "NAME=value" strings for its environment. Pure: the caller gathers the facts, this spells them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message/message.hpp"

namespace layer7::http::cgi {

struct MetaInput {
    const Request& request;
    std::string_view script_name = {};                 // the URL path of the script, "/cgi-bin/pageexec"
    std::string_view path_info = {};                   // what follows it, "/extra" or ""
    std::string_view query = {};                       // raw, without '?'
    std::string_view script_filename = {};             // the file executed (a common extension: PHP and others need it)
    std::optional<std::uint64_t> content_length = {};  // the body's length; nullopt: no body
    std::string_view server_name = {};                 // used when the request has no Host
    std::uint16_t server_port = 0;                     // likewise
    std::string_view remote_addr = {};
    std::uint16_t remote_port = 0;
    bool https = false;
};

// Every variable of §4.1 that applies, HTTP_* for each request field (§4.1.18), REMOTE_PORT,
// REQUEST_URI, SCRIPT_FILENAME, HTTPS=on over TLS, and a fixed PATH.
std::vector<std::string> meta_variables(const MetaInput& in);

// "Accept-Language" → "HTTP_ACCEPT_LANGUAGE"; nullopt for a field the server keeps to itself:
// Content-Length and Content-Type (their own variables), Authorization and Proxy-Authorization
// (§4.1.18: credentials are not passed on), Proxy (httpoxy, CVE-2016-5385: HTTP_PROXY would pose as
// the proxy setting of the script's HTTP library), and names with '_' (they would alias the '-' form).
std::optional<std::string> http_variable_name(std::string_view field);

}  // namespace layer7::http::cgi
