// The [websocket] config section: limits of the /ws/* endpoints (message and frame size, idle
// timeout, ping interval, send queue), checked by `layer7 config check`.
#pragma once

#include "core/config/config.hpp"
#include "http/websocket/endpoint.hpp"

namespace layer7::http::websocket {

EndpointOptions parse_config(core::Section section);

}  // namespace layer7::http::websocket
