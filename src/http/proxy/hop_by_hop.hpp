// What a proxy changes in a forwarded message (RFC 9110 §7.6): hop-by-hop fields removed (§7.6.1),
// Via appended (§7.6.3) and a loop detected by finding our own Via entry. Pure.
#pragma once

#include <string_view>

#include "http/message/message.hpp"

namespace layer7::http::proxy {

// Removes Connection and every field it names, plus Keep-Alive, Proxy-Connection, TE, Trailer,
// Transfer-Encoding, Upgrade and Proxy-Authorization / Proxy-Authenticate (meant for this hop).
void strip_hop_by_hop(Fields& fields);
// Appends "1.1 <received_by> (layer7)" — "1.0" for an HTTP/1.0 message (§7.6.3).
void append_via(Fields& fields, const Version& version, std::string_view received_by);
// Whether some Via entry was received by `received_by` (ignoring the comment): a loop (508).
bool via_contains(const Fields& fields, std::string_view received_by);

}  // namespace layer7::http::proxy
