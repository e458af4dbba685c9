// Conditional requests (RFC 9110 §13.2.2): the order in which If-Match, If-Unmodified-Since,
// If-None-Match, If-Modified-Since and If-Range are evaluated against a resource's validators.
#pragma once

#include <chrono>
#include <optional>

#include "http/message/etag.hpp"
#include "http/message/message.hpp"

namespace layer7::http {

struct Validators {
    std::optional<EntityTag> etag;
    std::optional<std::chrono::sys_seconds> last_modified;
};

enum class Precondition {
    proceed,              // serve normally (a Range may still apply)
    not_modified,         // 304 (GET/HEAD)
    precondition_failed,  // 412
};

// §13.2.2 steps 1–4 for `request` against the current representation.
Precondition evaluate_preconditions(const Request& request, const Validators& current);
// §13.1.5: whether a Range should be honoured given If-Range (true when there is no If-Range).
bool if_range_allows(const Request& request, const Validators& current);

}  // namespace layer7::http
