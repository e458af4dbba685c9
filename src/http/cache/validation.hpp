// Validation of stored responses (RFC 9111 §4.3): the conditional request, matching a 304 to the
// stored response, and the header update it brings (§3.2). Also answers a client's own
// conditional request from a stored response (RFC 9110 §13.2.2). Pure.
#pragma once

#include <chrono>

#include "http/message/message.hpp"

namespace layer7::http::cache {

// Whether the stored response carries a validator (ETag or Last-Modified).
bool has_validator(const Response& stored);
// §4.3.1: `request` with If-None-Match (the stored ETag) and If-Modified-Since (its
// Last-Modified); the client's own preconditions are replaced (If-Range kept, as above).
Request conditional_request(const Request& request, const Response& stored);
// §4.3.4: whether a 304 selects the stored response (same strong/weak ETag, or, lacking tags,
// the same Last-Modified).
bool not_modified_matches(const Response& stored, const Response& not_modified);
// §3.2: the stored head updated with the 304's fields (Content-Length and friends excepted).
Response merge_not_modified(const Response& stored, const Response& not_modified);
// RFC 9110 §13.1.2/§13.1.3 evaluated on a stored 200: true when the client should get a 304.
bool client_not_modified(const Request& request, const Response& stored);
// §5.2.2.4: removes the fields a qualified no-cache="…" names. We serve such a response without
// validation minus those fields (the simplest conforming choice); a validated one keeps them.
void strip_no_cache_fields(Fields& fields);
// Removes the preconditions a client sent (we fetch a full response to fill the cache); If-Range,
// which only qualifies a Range, is kept.
void strip_preconditions(Fields& fields);

}  // namespace layer7::http::cache
