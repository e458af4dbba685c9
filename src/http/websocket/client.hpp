// `layer7 ws URL`: an interactive WebSocket client (ws:// and wss://). Lines from stdin go out as
// text (or binary) messages, received messages are printed one per line; at stdin's end it closes
// with 1000 and waits for the server's Close. --trace prints the handshake and every frame.
#pragma once

#include <string>

#include "http/websocket/session.hpp"

namespace layer7::http::websocket {

struct ClientOptions {
    std::string url;
    bool binary = false;    // send stdin lines as binary messages
    bool deflate = true;    // offer permessage-deflate
    std::string cacert;     // wss: trust these CAs (default: the system's)
    bool insecure = false;  // wss: do not verify the certificate
    std::chrono::seconds connect_timeout{10};
    SessionOptions session;
};

// The exit status: 0 after a normal close (1000, or none), 1 on any failure.
int run_client(const ClientOptions& options);

}  // namespace layer7::http::websocket
