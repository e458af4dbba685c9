// The embedded default configuration, printed by `layer7 config default`.
#include "cli/default_config.hpp"

namespace layer7::cli {

std::string_view default_config()
{
    return R"toml(# layer7 — embedded default configuration (`layer7 config default`).
# Every service listens on loopback only. Copy this file, edit it, and run `layer7 up --config FILE`.

[runtime]
threads = 0                 # worker threads, one io_context each; 0 = one per core
data = "./layer7-data"      # state: mail, queues, caches, certificates
log_level = "info"          # trace, debug, info, warn, error, off

# The socket-programming chapter's TCPServer/UDPServer: upper-cases each line or datagram.
[echo]
enabled = true
listen = "127.0.0.1:12000"
tcp = true
udp = true

[echo.limits]
max_line = 4096             # bytes; a longer line closes the connection
idle_timeout = 60           # seconds without a byte from the client
max_connections = 10000
)toml";
}

}  // namespace layer7::cli
