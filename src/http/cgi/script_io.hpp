// The two pipes of a running CGI script: the request body goes into its stdin while its output is
// read, each as fast as the other side takes it (backpressure both ways), and the output as the
// reply's body source with the time and size limits.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/net/byte_source.hpp"
#include "http/cgi/child.hpp"

namespace layer7::http::cgi {

// One coroutine does both directions, so the connection's body reader is never used from two
// places at once: a separate writer would race the shell's own reads and writes on the socket.
class ScriptIo {
public:
    // `body`: the request content of `length` bytes, or null when there is none. It must outlive
    // the reads (the HTTP/1.1 shell keeps it until the reply is sent). The script's stdin is closed
    // after `length` bytes, without asking the body for its end: once the reply has begun, the
    // shell's reader may already be waiting for the next request instead.
    ScriptIo(std::unique_ptr<Child> child, core::ByteSource* body, std::uint64_t length);

    // Reads some output into `buffer`, feeding the script its input meanwhile; 0 at the end.
    core::awaitable<std::pair<std::error_code, std::size_t>> read(std::span<char> buffer);
    Child& child() { return *child_; }

private:
    void stop_input();

    std::unique_ptr<Child> child_;
    core::ByteSource* body_;
    std::uint64_t unread_;      // body bytes not yet taken from `body_`
    std::string_view pending_;  // of the body's last chunk, not yet taken by the pipe
};

// The script's body as the shell pulls it: the bytes after the header block first, then the rest
// of the output. Over `max_output` bytes, or past the time limit, it fails (the reply is cut and the
// connection closes) and the script is killed.
class OutputSource final : public core::ByteSource {
public:
    OutputSource(std::unique_ptr<ScriptIo> io, std::string first, std::uint64_t max_output, std::string name);
    core::awaitable<std::error_code> next(std::string_view& chunk) override;

private:
    std::unique_ptr<ScriptIo> io_;
    std::string first_;
    bool first_sent_ = false;
    std::uint64_t max_output_;
    std::uint64_t produced_ = 0;
    std::string name_;
    std::string buffer_;
};

}  // namespace layer7::http::cgi
