// Client errors: see error.hpp.
#include "http/client/error.hpp"

namespace layer7::http::client {

std::string_view describe(Error e)
{
    switch (e) {
    case Error::bad_url: return "not an http:// or https:// URL";
    case Error::unknown_host: return "could not resolve host";
    case Error::refused: return "connection refused";
    case Error::connect_failed: return "could not connect";
    case Error::timeout: return "timed out";
    case Error::tls: return "TLS handshake failed";
    case Error::proxy_failed: return "the proxy refused the tunnel";
    case Error::bad_response: return "malformed response";
    case Error::empty_reply: return "empty reply from server";
    case Error::closed: return "connection closed in the middle of the response";
    case Error::too_many_redirects: return "too many redirects";
    case Error::request_body: return "cannot read the request body";
    }
    return "error";
}

}  // namespace layer7::http::client
