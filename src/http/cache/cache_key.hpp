// Cache keys (RFC 9111 §2, §4.1): the primary key is method + target URI; Vary adds the values of
// the request fields it names as a secondary key. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message/message.hpp"

namespace layer7::http::cache {

// "GET http://host:port/path?query"; the scheme and host are lower-cased.
std::string primary_key(const Method& method, std::string_view url);
// The field names a response varies on, lower-cased and sorted; nullopt for "Vary: *".
std::optional<std::vector<std::string>> vary_names(const Response& response);
// The secondary key: each named field's combined value in `request`, whitespace-normalised (§4.1).
std::string vary_key(const std::vector<std::string>& names, const Request& request);
// The key one variant is stored under.
std::string full_key(std::string_view primary, std::string_view secondary);

}  // namespace layer7::http::cache
