// The FTP client's control connection: connect, log in, send commands and read replies (lines
// through core::LineReader, replies through the shared ReplyParser), and open data connections —
// EPSV, then PASV, or PORT/EPRT with --active.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "core/net/line_reader.hpp"
#include "core/net/stream.hpp"
#include "ftp/data_channel.hpp"
#include "ftp/ftp.hpp"
#include "ftp/reply.hpp"

namespace layer7::ftp {

class Client {
public:
    explicit Client(const ClientOptions& options) : options_(options) {}

    // Connects (no reply read yet). An error is one line for the user.
    core::awaitable<std::string> connect(const Url& url);
    // Reads the greeting, logs in and sets TYPE I.
    core::awaitable<std::string> login(const Url& url);
    // Sends one command and reads its reply (a 1xx is returned too; read_reply() then gives the end).
    core::awaitable<std::pair<std::string, Reply>> command(const std::string& line);
    core::awaitable<std::pair<std::string, Reply>> read_reply();
    // Prepares a data connection (EPSV → PASV fallback, or a listener announced by EPRT/PORT).
    core::awaitable<std::string> prepare_data();
    // After the transfer command's 1xx: the data connection (connected, or accepted in active mode).
    core::awaitable<std::pair<std::string, std::unique_ptr<core::Stream>>> data_stream();
    // QUIT and close.
    core::awaitable<void> close();

private:
    ClientOptions options_;
    std::unique_ptr<core::Stream> control_;
    std::unique_ptr<core::LineReader> lines_;  // reads control_; each line is traced as the server's
    core::ReplyParser parser_{reply_syntax};
    std::optional<Tcp::acceptor> listener_;  // active mode
    std::optional<Tcp::socket> passive_;     // passive mode, connected before the command
};

// "550 No such file" → "ftp: 550 No such file" (first line only): the one-line error.
std::string describe(const Reply& reply);

}  // namespace layer7::ftp
