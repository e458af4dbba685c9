// HTTP/1.1 parse errors (RFC 9112) in the RFC's words, each mapped to the status a server sends.
#pragma once

#include <cstdint>
#include <string_view>

#include "http/message/status.hpp"

namespace layer7::http::h1 {

enum class Error : std::uint8_t {
    bad_request_line,                       // not `method SP target SP version` (§3)
    bad_method,                             // method is not a token (§3.1)
    bad_target,                             // request-target form invalid for the method (§3.2)
    bad_version,                            // not HTTP/DIGIT.DIGIT (§2.3)
    version_not_supported,                  // major version other than 1 → 505
    uri_too_long,                           // request-line over the limit → 414 (§3)
    bad_status_line,                        // response: not `version SP 3DIGIT SP reason` (§4)
    bad_field_line,                         // no colon, or garbage (§5)
    bad_field_name,                         // field-name is not a token
    whitespace_before_colon,                // §5.1: MUST reject (smuggling)
    obs_fold,                               // §5.2: line folding rejected
    bare_cr,                                // §2.2: CR not followed by LF
    bare_lf,                                // LF without CR where CRLF is required (policy, or chunked framing)
    bad_field_value,                        // NUL or other CTL in a value (§5.5)
    header_too_large,                       // field section over the limit → 431
    too_many_fields,                        // more field lines than allowed → 431
    missing_host,                           // §3.2: HTTP/1.1 request without Host
    bad_host,                               // more than one Host, or an invalid one (§3.2)
    bad_content_length,                     // not 1*DIGIT or a list of identical values (§6.3)
    conflicting_content_length,             // differing Content-Length values (§6.3)
    content_length_with_transfer_encoding,  // §6.3: smuggling, reject for requests
    chunked_not_final,                      // request TE whose last coding is not chunked (§6.3 item 4)
    bad_transfer_encoding,                  // chunked twice, empty or invalid list, TE in an HTTP/1.0 request
    unsupported_transfer_coding,            // a coding we do not decode → 501 (§6.1)
    body_too_large,                         // content over the limit → 413
    bad_chunk_size,                         // not HEXDIG or overflow (§7.1)
    bad_chunk_extension,                    // chunk-ext syntax (§7.1.1)
    chunk_line_too_long,                    // chunk-size line over the limit
    bad_chunk_terminator,                   // chunk data not followed by CRLF
    incomplete_message,                     // the connection closed inside a message
};

// The status a server should answer with (and then close the connection).
Status status_for(Error e);
// A short English description for logs and error pages.
std::string_view describe(Error e);

}  // namespace layer7::http::h1
