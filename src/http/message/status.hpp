// Status codes and their reason phrases (RFC 9110 §15).
#pragma once

#include <cstdint>
#include <string_view>

namespace layer7::http {

// Any three-digit code fits; the named ones are those RFC 9110 registers (plus 429, 431 from RFC 6585 and 103 from RFC
// 8297).
enum class Status : std::uint16_t {
    continue_ = 100,
    switching_protocols = 101,
    early_hints = 103,
    ok = 200,
    created = 201,
    accepted = 202,
    non_authoritative_information = 203,
    no_content = 204,
    reset_content = 205,
    partial_content = 206,
    multiple_choices = 300,
    moved_permanently = 301,
    found = 302,
    see_other = 303,
    not_modified = 304,
    use_proxy = 305,
    temporary_redirect = 307,
    permanent_redirect = 308,
    bad_request = 400,
    unauthorized = 401,
    payment_required = 402,
    forbidden = 403,
    not_found = 404,
    method_not_allowed = 405,
    not_acceptable = 406,
    proxy_authentication_required = 407,
    request_timeout = 408,
    conflict = 409,
    gone = 410,
    length_required = 411,
    precondition_failed = 412,
    content_too_large = 413,
    uri_too_long = 414,
    unsupported_media_type = 415,
    range_not_satisfiable = 416,
    expectation_failed = 417,
    misdirected_request = 421,
    unprocessable_content = 422,
    upgrade_required = 426,
    precondition_required = 428,
    too_many_requests = 429,
    request_header_fields_too_large = 431,
    internal_server_error = 500,
    not_implemented = 501,
    bad_gateway = 502,
    service_unavailable = 503,
    gateway_timeout = 504,
    http_version_not_supported = 505,
};

inline int code(Status s)
{
    return static_cast<int>(s);
}
// The RFC's reason phrase, or "" for an unregistered code.
std::string_view reason_phrase(Status s);
// 1 for 1xx … 5 for 5xx.
inline int status_class(Status s)
{
    return code(s) / 100;
}
inline bool is_informational(Status s)
{
    return status_class(s) == 1;
}
// RFC 9110 §6.4.1: these responses never carry content.
inline bool forbids_content(Status s)
{
    return is_informational(s) || s == Status::no_content || s == Status::not_modified;
}

}  // namespace layer7::http
