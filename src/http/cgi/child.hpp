// A CGI script as a child process: started with posix_spawn (no shell) in its own process group,
// stdin/stdout as asio descriptors on pipes, stderr copied line by line to the error log, and a
// supervisor that reaps it through a pidfd (no zombie) and kills the whole group at the deadline.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "core/net/asio.hpp"

namespace layer7::http::cgi {

struct SpawnSpec {
    std::string program;                   // absolute path, executed directly (argv[0] too)
    std::vector<std::string> environment;  // "NAME=value", nothing inherited
    std::string directory;                 // working directory (RFC 3875 §7.2: the script's own)
    std::chrono::steady_clock::duration time_limit{std::chrono::seconds(30)};
    std::string log_name;  // how stderr lines and kills are labelled
};

// Shared by the Child and its supervisor, which may outlive it.
struct ChildStatus {
    pid_t pid = -1;
    bool exited = false;     // reaped
    bool timed_out = false;  // killed at the deadline
    int wait_status = 0;
};

class Child {
public:
    // Starts the program; the error is the spawn's own (ENOENT, EACCES, ENOEXEC…).
    static std::pair<std::error_code, std::unique_ptr<Child>> spawn(const asio::any_io_executor& executor,
                                                                    const SpawnSpec& spec);
    // Closes the pipes. Unless its output ended normally (finished()), a child still running is
    // killed with its group; the supervisor reaps it either way.
    ~Child();
    Child(const Child&) = delete;

    asio::posix::stream_descriptor& input() { return input_; }
    asio::posix::stream_descriptor& output() { return output_; }
    void close_input();
    bool timed_out() const { return status_->timed_out; }
    // The output reached its end: the child may finish in peace (until the deadline).
    void finished() { finished_ = true; }
    // SIGKILL to the child's process group.
    void kill();

private:
    Child(asio::posix::stream_descriptor input, asio::posix::stream_descriptor output,
          std::shared_ptr<ChildStatus> status);

    asio::posix::stream_descriptor input_, output_;
    std::shared_ptr<ChildStatus> status_;
    bool finished_ = false;
};

}  // namespace layer7::http::cgi
