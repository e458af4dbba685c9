// The lab's HTTP/1.1 requests, written by hand over one socket, so that how connections are used —
// one per object, kept open, pipelined — is exactly what an experiment asks for (layer7's client
// pools and retries on its own). Responses are read with the project's h1::ResponseParser.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/net/asio.hpp"
#include "http/h1/response_parser.hpp"
#include "lab/link.hpp"

namespace layer7::lab {

struct HttpConnection {
    explicit HttpConnection(const asio::any_io_executor& ex) : socket(ex) {}
    asio::ip::tcp::socket socket;
    http::h1::ResponseParser parser;
    std::string host = "www.someschool.edu";  // the Host of origin-form targets
    std::vector<Time> ended;                  // when each response of the last get() was whole

    // GETs `targets` (paths, or absolute URLs for a proxy), one after another or all at once
    // (pipelined); returns their contents. Throws std::runtime_error unless each is a 200.
    core::awaitable<std::vector<std::string>> get(const std::vector<std::string>& targets, bool keep_alive,
                                                  bool pipelined = false);
};

// A connection to `server`; throws std::runtime_error when it cannot be made.
core::awaitable<std::unique_ptr<HttpConnection>> connect_http(asio::ip::tcp::endpoint server);

// Runs `tasks` at once; returns when all have ended, rethrowing the first failure.
core::awaitable<void> all_of(std::vector<core::awaitable<void>> tasks);

}  // namespace layer7::lab
