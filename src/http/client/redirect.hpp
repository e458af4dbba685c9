// Following redirects (RFC 9110 §15.4) and resolving a Location against the request URL
// (RFC 3986 §5.2). Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message/message.hpp"
#include "http/message/target.hpp"

namespace layer7::http::client {

// The URL again as text: scheme://host[:port]/path?query, the port only when not the default.
std::string to_string(const Url& url);
// §5.2.4: removes "." and ".." segments; ".." above the root stays at the root (unlike a server).
std::string remove_dot_segments(std::string_view path);
// §5.2: an absolute http(s) URL for `reference` (absolute, "//host", "/path", "?q" or relative)
// seen on a page at `base`; nullopt for other schemes or garbage. Fragments are dropped.
std::optional<std::string> resolve_reference(const Url& base, std::string_view reference);

// 301, 302, 303, 307, 308 with a Location field are followed.
bool is_redirect(Status status);
// §15.4: 303 turns any method but HEAD into GET; 301/302 turn POST into GET (as every browser
// does, which the RFC acknowledges); 307/308 repeat the method and body.
struct RedirectMethod {
    Method method;
    bool keep_body = false;
};
RedirectMethod redirect_method(Status status, const Method& method);

}  // namespace layer7::http::client
