// One client connection: the stream, its response parser and a read buffer. Internal to the
// client shell (client.cpp and response_body.cpp); a Client pools these per origin.
#pragma once

#include <sys/socket.h>

#include <cerrno>
#include <memory>
#include <string>

#include "core/net/stream.hpp"
#include "http/h1/response_parser.hpp"

namespace layer7::http::client {

struct Connection {
    std::unique_ptr<core::Stream> stream;
    h1::ResponseParser parser;
    std::string peer;
    std::string buffer = std::string(16384, '\0');  // one read's worth; bounds memory per connection

    Connection(asio::ip::tcp::socket socket, const h1::ParserLimits& limits)
        : stream(std::make_unique<core::Stream>(std::move(socket), core::Role::client)), parser(limits)
    {
        peer = stream->peer_string();
    }
    // An idle pooled connection the server has closed (or sent junk on) is not worth a request.
    bool still_open()
    {
        char byte;
        const ssize_t n = ::recv(stream->socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
};

}  // namespace layer7::http::client
