// A response as a surrogate's cache judges it (W3C Edge Architecture Specification 1.0 §2.2):
// Surrogate-Control's directives for us take precedence over Cache-Control. Pure.
#pragma once

#include <string_view>

#include "http/message/message.hpp"

namespace layer7::http::cache {

// `response` with Cache-Control replaced by what Surrogate-Control tells `device_token`: its
// max-age becomes the only freshness directive, its no-store forbids storing. Unchanged when
// no Surrogate-Control directive applies. The result is for freshness and storing decisions only.
Response surrogate_view(const Response& response, std::string_view device_token);

}  // namespace layer7::http::cache
