// What can go wrong when fetching a URL, apart from the status the server answers with.
#pragma once

#include <string>
#include <string_view>

namespace layer7::http::client {

enum class Error {
    bad_url,         // not an absolute http(s) URL
    unknown_host,    // the name does not resolve
    refused,         // nothing listens there (RST to our SYN)
    connect_failed,  // unreachable, or another socket error while connecting
    timeout,         // connect or an idle read/write took too long
    tls,             // handshake failed: certificate not trusted, wrong name, protocol
    proxy_failed,    // the proxy refused our CONNECT
    bad_response,    // the response is not HTTP/1.1 (RFC 9112 parse error)
    empty_reply,     // the server closed before a status line
    closed,          // the connection failed in the middle of the response
    too_many_redirects,
    request_body,  // the request body source failed, or gave other than its declared size
};

// A failure with its detail (e.g. OpenSSL's reason), for a one-line message.
struct Failure {
    Error error;
    std::string detail;
    // The server did not process the request (HTTP/2: REFUSED_STREAM, or a stream above a
    // GOAWAY's last one; RFC 9113 §8.7): sending it again on another connection is safe.
    bool unprocessed = false;
};

std::string_view describe(Error e);

}  // namespace layer7::http::client
