// Error → status mapping (RFC 9112 §3, §5, §6; RFC 9110 §15.5, RFC 6585 §5).
#include "http/h1/error.hpp"

namespace layer7::http::h1 {

Status status_for(Error e)
{
    switch (e) {
    case Error::version_not_supported: return Status::http_version_not_supported;
    case Error::uri_too_long: return Status::uri_too_long;
    case Error::header_too_large:
    case Error::too_many_fields: return Status::request_header_fields_too_large;
    case Error::body_too_large: return Status::content_too_large;
    case Error::unsupported_transfer_coding: return Status::not_implemented;
    default: return Status::bad_request;
    }
}

std::string_view describe(Error e)
{
    switch (e) {
    case Error::bad_request_line: return "malformed request line";
    case Error::bad_method: return "invalid method";
    case Error::bad_target: return "invalid request target";
    case Error::bad_version: return "malformed HTTP version";
    case Error::version_not_supported: return "HTTP version not supported";
    case Error::uri_too_long: return "request line too long";
    case Error::bad_status_line: return "malformed status line";
    case Error::bad_field_line: return "malformed header line";
    case Error::bad_field_name: return "invalid header name";
    case Error::whitespace_before_colon: return "whitespace between header name and colon";
    case Error::obs_fold: return "obsolete line folding";
    case Error::bare_cr: return "bare CR";
    case Error::bare_lf: return "bare LF";
    case Error::bad_field_value: return "invalid byte in header value";
    case Error::header_too_large: return "header section too large";
    case Error::too_many_fields: return "too many header fields";
    case Error::missing_host: return "missing Host header";
    case Error::bad_host: return "invalid or repeated Host header";
    case Error::bad_content_length: return "invalid Content-Length";
    case Error::conflicting_content_length: return "conflicting Content-Length values";
    case Error::content_length_with_transfer_encoding: return "both Content-Length and Transfer-Encoding";
    case Error::chunked_not_final: return "chunked is not the final transfer coding";
    case Error::bad_transfer_encoding: return "invalid Transfer-Encoding";
    case Error::unsupported_transfer_coding: return "unsupported transfer coding";
    case Error::body_too_large: return "content too large";
    case Error::bad_chunk_size: return "invalid chunk size";
    case Error::bad_chunk_extension: return "invalid chunk extension";
    case Error::chunk_line_too_long: return "chunk size line too long";
    case Error::bad_chunk_terminator: return "chunk not terminated by CRLF";
    case Error::incomplete_message: return "connection closed inside a message";
    }
    return "unknown error";
}

}  // namespace layer7::http::h1
