// A CGI script as a child process: see child.hpp.
#include "http/cgi/child.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace layer7::http::cgi {

namespace {

using namespace asio::experimental::awaitable_operators;

constexpr std::size_t max_logged_line = 1024;  // longer stderr lines are cut
constexpr int max_logged_lines = 200;          // per run; a chatty script cannot flood the log

// Waits for the child's exit or the deadline (then kills the group), reaps it, and kills what is
// left of its group (a background job holding the pipes open).
core::awaitable<void> supervise(std::shared_ptr<ChildStatus> status, asio::posix::stream_descriptor pidfd,
                                std::chrono::steady_clock::time_point deadline, std::string name)
{
    asio::steady_timer timer(pidfd.get_executor(), deadline);
    auto first = co_await (pidfd.async_wait(asio::posix::descriptor_base::wait_read, core::use_tuple) ||
                           timer.async_wait(core::use_tuple));
    if (first.index() == 1) {
        status->timed_out = true;
        spdlog::warn("cgi: {} (pid {}) over its time limit: killed", name, status->pid);
        ::kill(-status->pid, SIGKILL);
        co_await pidfd.async_wait(asio::posix::descriptor_base::wait_read, core::use_tuple);
    }
    int ws = 0;
    pid_t got;
    do
        got = ::waitpid(status->pid, &ws, WNOHANG);
    while (got < 0 && errno == EINTR);
    if (got == status->pid) {
        status->exited = true;
        status->wait_status = ws;
        if (WIFSIGNALED(ws) && !status->timed_out)
            spdlog::info("cgi: {} ended by signal {}", name, WTERMSIG(ws));
    }
    ::kill(-status->pid, SIGKILL);  // the group outlives its leader only in stragglers: none wanted
}

// Copies the child's stderr to the error log, one line at a time.
core::awaitable<void> log_stderr(asio::posix::stream_descriptor pipe, std::string name)
{
    char buffer[4096];
    std::string line;
    int logged = 0;
    for (;;) {
        auto [ec, n] = co_await pipe.async_read_some(asio::buffer(buffer), core::use_tuple);
        if (ec)
            break;
        for (std::size_t i = 0; i < n; ++i) {
            if (buffer[i] != '\n') {
                if (line.size() < max_logged_line)
                    line.push_back(buffer[i]);
                continue;
            }
            if (logged++ < max_logged_lines)
                spdlog::warn("cgi: {}: {}", name, line);
            line.clear();
        }
    }
    if (!line.empty() && logged++ < max_logged_lines)
        spdlog::warn("cgi: {}: {}", name, line);
    if (logged > max_logged_lines)
        spdlog::warn("cgi: {}: {} more stderr lines not logged", name, logged - max_logged_lines);
}

struct Pipe {
    int read = -1, write = -1;
    ~Pipe()
    {
        if (read >= 0)
            ::close(read);
        if (write >= 0)
            ::close(write);
    }
    bool open()
    {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)
            return false;
        read = fds[0];
        write = fds[1];
        return true;
    }
    int release_read() { return std::exchange(read, -1); }
    int release_write() { return std::exchange(write, -1); }
};

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attributes;
    SpawnSetup()
    {
        posix_spawn_file_actions_init(&actions);
        posix_spawnattr_init(&attributes);
    }
    ~SpawnSetup()
    {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attributes);
    }
};

}  // namespace

Child::Child(asio::posix::stream_descriptor input, asio::posix::stream_descriptor output,
             std::shared_ptr<ChildStatus> status)
    : input_(std::move(input)), output_(std::move(output)), status_(std::move(status))
{
}

std::pair<std::error_code, std::unique_ptr<Child>> Child::spawn(const asio::any_io_executor& executor,
                                                                const SpawnSpec& spec)
{
    auto os_error = [] { return std::pair{std::error_code(errno, std::system_category()), std::unique_ptr<Child>()}; };
    Pipe in, out, err;
    if (!in.open() || !out.open() || !err.open())
        return os_error();

    SpawnSetup s;
    posix_spawn_file_actions_adddup2(&s.actions, in.read, 0);
    posix_spawn_file_actions_adddup2(&s.actions, out.write, 1);
    posix_spawn_file_actions_adddup2(&s.actions, err.write, 2);
    // Sockets (listeners, other clients' connections) must not leak into scripts: asio does not
    // open them close-on-exec.
    posix_spawn_file_actions_addclosefrom_np(&s.actions, 3);
    posix_spawn_file_actions_addchdir_np(&s.actions, spec.directory.c_str());
    // Its own process group, so the deadline kills whatever the script started; signals as new
    // (the server ignores SIGPIPE, which a script should die of, and blocks nothing it should get).
    posix_spawnattr_setflags(&s.attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setpgroup(&s.attributes, 0);
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&s.attributes, &none);
    posix_spawnattr_setsigdefault(&s.attributes, &all);

    std::vector<char*> argv{const_cast<char*>(spec.program.c_str()), nullptr};
    std::vector<char*> envp;
    for (const auto& e : spec.environment)
        envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = -1;
    if (int rc = ::posix_spawn(&pid, spec.program.c_str(), &s.actions, &s.attributes, argv.data(), envp.data()))
        return {std::error_code(rc, std::system_category()), nullptr};

    auto status = std::make_shared<ChildStatus>();
    status->pid = pid;
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) {  // cannot happen for our own unreaped child; do not leave it behind
        const auto ec = std::error_code(errno, std::system_category());
        ::kill(-pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        return {ec, nullptr};
    }
    const auto deadline = std::chrono::steady_clock::now() + spec.time_limit;
    asio::posix::stream_descriptor exit_watch(executor, pidfd);
    asio::co_spawn(executor, supervise(status, std::move(exit_watch), deadline, spec.log_name), asio::detached);
    asio::posix::stream_descriptor errors(executor, err.release_read());
    asio::co_spawn(executor, log_stderr(std::move(errors), spec.log_name), asio::detached);
    asio::posix::stream_descriptor input(executor, in.release_write()), output(executor, out.release_read());
    // Both are used with read_some/write_some once a wait says they are ready.
    input.non_blocking(true);
    output.non_blocking(true);
    std::unique_ptr<Child> child(new Child(std::move(input), std::move(output), status));
    return {std::error_code{}, std::move(child)};
}

void Child::close_input()
{
    std::error_code ignored;
    input_.close(ignored);
}

void Child::kill()
{
    if (!status_->exited)
        ::kill(-status_->pid, SIGKILL);
}

Child::~Child()
{
    if (!finished_)
        kill();
}

}  // namespace layer7::http::cgi
