// Running an external program (ffmpeg) as a child: looked up on PATH, started with posix_spawn
// (no shell, so no quoting of file names), stdin from /dev/null, stdout and stderr shared with us.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace layer7::stream {

// The program's path on PATH, or empty when it is not there.
std::string find_program(std::string_view name);

class Program {
public:
    // Starts argv[0] with argv; the error is the spawn's (ENOENT, EACCES, …).
    static std::error_code start(const std::vector<std::string>& argv, Program& out);
    Program() = default;
    Program(const Program&) = delete;
    // A program still running when its owner goes is terminated and reaped.
    ~Program();

    // Waits for the exit: the exit code, or 128 + the signal.
    int wait();
    // SIGTERM (from any thread: another one may be in wait()).
    void terminate();
    // The child's process id while it runs (for a signal handler), else -1.
    pid_t pid() const { return pid_.load(); }

private:
    std::atomic<pid_t> pid_{-1};
};

}  // namespace layer7::stream
