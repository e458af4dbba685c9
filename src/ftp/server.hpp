// The FTP server shell: one coroutine per control connection driving a ControlSession, performing
// its actions (logins, file-system work, data connections) and feeding the results back.
#pragma once

#include <atomic>
#include <memory>

#include <asio/ssl/context.hpp>

#include "core/fs/beneath.hpp"
#include "core/net/asio.hpp"
#include "core/runtime/blocking_pool.hpp"
#include "core/users/users.hpp"
#include "ftp/control_session.hpp"
#include "ftp/ftp.hpp"

namespace layer7::ftp {

// What every connection of one service shares (read-only after start, but the port cursor).
struct Shared {
    Config config;
    Policy policy;
    std::shared_ptr<core::Root> root;  // the default root (guests, users without root=)
    core::Users users;
    std::shared_ptr<asio::ssl::context> tls;  // null: no AUTH TLS
    std::atomic<unsigned> pasv_cursor{0};
    core::BlockingPool* blocking = nullptr;  // the runtime's: an upload's fsync and rename run there
};

core::awaitable<void> serve_connection(core::TcpSocket socket, Shared& shared);

}  // namespace layer7::ftp
