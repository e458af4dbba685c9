// Running an external program: see program.hpp.
#include "stream/program.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <utility>

extern char** environ;

namespace layer7::stream {

std::string find_program(std::string_view name)
{
    if (name.find('/') != std::string_view::npos)
        return ::access(std::string(name).c_str(), X_OK) == 0 ? std::string(name) : std::string();
    const char* path = std::getenv("PATH");
    std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    while (!dirs.empty()) {
        const auto colon = dirs.find(':');
        const auto dir = dirs.substr(0, colon);
        dirs.remove_prefix(colon == std::string_view::npos ? dirs.size() : colon + 1);
        if (dir.empty())
            continue;
        std::string candidate = std::string(dir) + "/" + std::string(name);
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return {};
}

std::error_code Program::start(const std::vector<std::string>& argv, Program& out)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);  // our sockets stay ours
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, argv.at(0).c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        return {rc, std::system_category()};
    out.pid_ = pid;
    return {};
}

Program::~Program()
{
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        wait();
    }
}

int Program::wait()
{
    const pid_t pid = pid_.load();
    if (pid <= 0)
        return -1;
    // Wait without reaping first, so that terminate() from another thread never signals a
    // process id the system has already handed to someone else.
    siginfo_t info{};
    while (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {}
    pid_ = -1;
    int status = 0;
    pid_t got;
    do
        got = ::waitpid(pid, &status, 0);
    while (got < 0 && errno == EINTR);
    if (got < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void Program::terminate()
{
    if (const pid_t pid = pid_.load(); pid > 0)
        ::kill(pid, SIGTERM);
}

}  // namespace layer7::stream
