// CgiHandler: RFC 3875 on the HTTP application interface. A path prefix maps to a directory of
// executables; the request runs the script named by the next path segments (the rest is PATH_INFO),
// its header block becomes the reply head and its output the body, streamed.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/fs/beneath.hpp"
#include "http/cgi/header_block.hpp"
#include "http/server/handler.hpp"
#include "http/server/service.hpp"

namespace layer7::http::cgi {

struct Options {
    std::string prefix = "/cgi-bin/";      // the mount, as the Router matched it
    std::string dir;                       // the scripts
    std::chrono::seconds time_limit{30};   // spawn to end of output: 504 before the head, a cut after
    std::uint64_t max_output = 64u << 20;  // body bytes from one run; beyond, the reply is cut
    HeaderLimits header;
    std::string server_name = "127.0.0.1";  // SERVER_NAME/PORT for a request without Host
    std::uint16_t server_port = 8080;
};

class CgiHandler final : public Handler {
public:
    // `server`: where local redirects (Location: /path) are dispatched, normally the Router.
    CgiHandler(Options options, Handler& server);
    core::awaitable<Outcome> handle(Exchange& exchange) override;

private:
    core::awaitable<Outcome> local_redirect(Exchange& exchange, const std::string& location);

    Options options_;
    core::Root root_;
    Handler& server_;
};

// The http::CgiFactory: a handler for one [[http.cgi]] mount of the service.
std::shared_ptr<Handler> make_handler(const CgiConfig& mount, Handler& server, const ServerConfig& config);

}  // namespace layer7::http::cgi
