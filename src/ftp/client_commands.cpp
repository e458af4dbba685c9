// `layer7 ftp ls|get|put|rm URL [FILE]`: one connection per command; get -C resumes with REST when
// the local file is an earlier part of the remote one (RFC 3659 §5, get_plan.hpp), and otherwise
// replaces FILE only after a whole download; a progress bar on standard error when it is a terminal.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <utility>
#include <iostream>

#include "core/fs/write_all.hpp"
#include "core/log/progress_bar.hpp"
#include "ftp/client.hpp"
#include "ftp/get_plan.hpp"
#include "ftp/listing.hpp"

namespace layer7::ftp {

namespace {

// Runs `body` against an open, logged-in client; prints the one-line error and returns 1 on failure.
template <class Body>
int run(const Url& url, const ClientOptions& options, Body body)
{
    asio::io_context context;
    std::string error;
    auto main = [&]() -> core::awaitable<void> {
        Client client(options);
        error = co_await client.connect(url);
        if (!error.empty())
            co_return;
        auto work = [&]() -> core::awaitable<void> {
            error = co_await client.login(url);
            if (error.empty())
                error = co_await body(client);
            co_await client.close();
        };
        co_await work();
    };
    asio::co_spawn(context, main(), [](std::exception_ptr e) {
        if (e)
            std::rethrow_exception(e);
    });
    context.run();
    if (!error.empty()) {
        std::cerr << "layer7: ftp: " << error << "\n";
        return 1;
    }
    return 0;
}

// Sends a transfer command over a prepared data connection and runs `move` on the data stream;
// returns the error, or "" once the server said 226.
template <class Move>
core::awaitable<std::string> transfer(Client& client, const std::string& line, const Move& move)
{
    if (auto err = co_await client.prepare_data(); !err.empty())
        co_return err;
    auto [err, first] = co_await client.command(line);
    if (!err.empty())
        co_return err;
    if (!first.positive_preliminary())
        co_return describe(first);
    auto [derr, data] = co_await client.data_stream();
    if (!derr.empty())
        co_return derr;
    std::string moved_error;
    auto run_move = [&]() -> core::awaitable<void> {
        moved_error = co_await move(*data);
        if (moved_error.empty()) {
            data->set_timeout(std::chrono::seconds(2));
            co_await data->shutdown();
        }
    };
    co_await run_move();
    data.reset();
    auto [ferr, final_reply] = co_await client.read_reply();
    if (!ferr.empty())
        co_return ferr;
    if (!final_reply.positive())
        co_return describe(final_reply);
    co_return moved_error;
}

std::string base_of(const std::string& path)
{
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// SIZE and MDTM of the remote file; a server without them (502) or a refusal leaves the fact empty.
core::awaitable<std::pair<std::string, FileFacts>> remote_facts(Client& client, const std::string& path)
{
    FileFacts facts;
    const std::string size_line = "SIZE " + path;
    auto [serr, size] = co_await client.command(size_line);
    if (!serr.empty())
        co_return std::pair{serr, facts};
    if (size.code == 213)
        facts.size = std::strtoull(size.text.c_str(), nullptr, 10);
    const std::string mdtm_line = "MDTM " + path;
    auto [merr, mdtm] = co_await client.command(mdtm_line);
    if (!merr.empty())
        co_return std::pair{merr, facts};
    if (std::int64_t t = 0; mdtm.code == 213 && parse_timeval(mdtm.text, t))
        facts.mtime = t;
    co_return std::pair{std::string(), facts};
}

// The file a download writes: FILE itself (resume, or -C with no FILE yet) or a hidden temporary in
// FILE's directory that replaces FILE only once the whole file arrived, so a failed or refused
// download never leaves an empty or half file in FILE's place.
class LocalTarget {
public:
    LocalTarget(const std::string& file, GetPlan plan) : file_(file), plan_(plan), special_(core::is_special_file(file))
    {
        if (special_) {
            // /dev/null, a FIFO: written as it is, never renamed over nor removed (see is_special_file).
            fd = ::open(file.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
        } else if (plan == GetPlan::resume) {
            fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        } else if (plan == GetPlan::whole_into_file) {
            fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        } else {
            const auto slash = file.rfind('/');
            const std::string dir = slash == std::string::npos ? std::string() : file.substr(0, slash + 1);
            const std::string base = slash == std::string::npos ? file : file.substr(slash + 1);
            temporary_ = dir + "." + base + ".layer7-XXXXXX";
            fd = ::mkstemp(temporary_.data());
            // mkstemp makes 0600; the finished file gets the mode open(0666) would give it.
            const mode_t mask = ::umask(0);
            ::umask(mask);
            if (fd >= 0)
                ::fchmod(fd, 0666 & ~mask);
        }
        if (fd < 0)
            error = (temporary_.empty() ? file : temporary_) + ": " + std::strerror(errno);
    }
    ~LocalTarget()
    {
        if (fd >= 0)
            ::close(fd);
    }
    LocalTarget(const LocalTarget&) = delete;
    LocalTarget& operator=(const LocalTarget&) = delete;

    // The whole file arrived: stamp the remote time (so a later -C can tell the file is this one)
    // and put it in place.
    std::string commit(const std::optional<std::int64_t>& mtime)
    {
        stamp(mtime);
        const int closed = ::close(std::exchange(fd, -1));
        if (closed != 0) {
            const std::string error = file_ + ": " + std::strerror(errno);
            abandon(0);
            return error;
        }
        if (!temporary_.empty() && ::rename(temporary_.c_str(), file_.c_str()) != 0) {
            const std::string error = file_ + ": " + std::strerror(errno);
            ::unlink(temporary_.c_str());
            return error;
        }
        return {};
    }

    // The download failed: a temporary goes; with -C a part already received stays (its time is now,
    // not before the remote file's, so the next -C resumes it) and an empty FILE goes.
    void abandon(std::uint64_t received)
    {
        if (special_)
            return;
        if (plan_ == GetPlan::whole_into_file && received == 0)
            ::unlink(file_.c_str());
        else if (!temporary_.empty())
            ::unlink(temporary_.c_str());
    }

    int fd = -1;
    std::string error;

private:
    void stamp(const std::optional<std::int64_t>& mtime)
    {
        if (!mtime || fd < 0 || special_)
            return;
        const timespec times[2] = {{0, UTIME_OMIT}, {static_cast<time_t>(*mtime), 0}};
        ::futimens(fd, times);
    }

    std::string file_, temporary_;
    GetPlan plan_;
    bool special_;
};

}  // namespace

int client_ls(const Url& url, const ClientOptions& options)
{
    return run(url, options, [&](Client& client) -> core::awaitable<std::string> {
        // GCC 12: every argument of a co_await'ed call is a named local (a temporary string or
        // lambda there, or a ternary of them, is destroyed twice).
        std::string listing;
        std::string line = "LIST";
        if (!url.path.empty())
            line += " " + url.path;
        auto receive = [&](core::Stream& data) -> core::awaitable<std::string> {
            auto got = co_await receive_all(data, 256u << 20);
            listing = std::move(got.second);
            std::string error;
            if (got.first)
                error = "data connection: " + got.first.message();
            co_return error;
        };
        std::string err = co_await transfer(client, line, receive);
        std::fwrite(listing.data(), 1, listing.size(), stdout);
        co_return err;
    });
}

int client_get(const Url& url, const std::string& local_file, const ClientOptions& options)
{
    if (url.path.empty() || url.directory) {
        std::cerr << "layer7: ftp: the URL must name a file\n";
        return 1;
    }
    const std::string file = local_file.empty() ? base_of(url.path) : local_file;
    return run(url, options, [&](Client& client) -> core::awaitable<std::string> {
        std::optional<FileFacts> local;
        if (struct stat st{}; ::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode))
            local = FileFacts{static_cast<std::uint64_t>(st.st_size), static_cast<std::int64_t>(st.st_mtime)};
        auto [ferr, remote] = co_await remote_facts(client, url.path);
        if (!ferr.empty())
            co_return ferr;
        GetPlan plan = plan_get(options.resume, local, remote);
        if (plan == GetPlan::complete)
            co_return std::string();
        if (options.resume && local && plan == GetPlan::whole_via_temporary)
            std::cerr << "layer7: ftp: " << file << " is not a part of the remote file (size or time differ): "
                      << "downloading it whole\n";
        std::uint64_t offset = 0;
        if (plan == GetPlan::resume) {
            const std::string rest_line = "REST " + std::to_string(*local->size);
            auto [rerr, rest] = co_await client.command(rest_line);
            if (!rerr.empty())
                co_return rerr;
            if (rest.code == 350)
                offset = *local->size;
            else
                plan = GetPlan::whole_via_temporary;
        }
        LocalTarget target(file, plan);
        if (!target.error.empty())
            co_return target.error;
        core::ProgressBar bar(options.progress, offset, remote.size.value_or(0));
        const std::string line = "RETR " + url.path;
        const Progress progress = [&](std::uint64_t n) { bar.update(n); };
        std::uint64_t received = 0;
        auto receive = [&](core::Stream& data) -> core::awaitable<std::string> {
            Moved m = co_await receive_file(data, target.fd, false, &progress);
            received = m.bytes;
            std::string error;
            if (m.local)
                error = file + ": " + m.local.message();
            else if (m.network)
                error = "data connection: " + m.network.message();
            co_return error;
        };
        std::string err = co_await transfer(client, line, receive);
        if (err.empty())
            err = target.commit(remote.mtime);
        else
            target.abandon(received);
        co_return err;
    });
}

int client_put(const Url& url, const std::string& local_file, const ClientOptions& options)
{
    const int fd = ::open(local_file.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || ::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        std::cerr << "layer7: ftp: " << local_file << ": " << (fd < 0 ? std::strerror(errno) : "not a regular file")
                  << "\n";
        if (fd >= 0)
            ::close(fd);
        return 1;
    }
    std::string remote = url.path;
    if (url.directory)
        remote += (remote.empty() ? "" : "/") + base_of(local_file);
    const int status = run(url, options, [&](Client& client) -> core::awaitable<std::string> {
        const auto total = static_cast<std::uint64_t>(st.st_size);
        core::ProgressBar bar(options.progress, 0, total);
        const std::string line = "STOR " + remote;
        const Progress progress = [&](std::uint64_t n) { bar.update(n); };
        auto send = [&](core::Stream& data) -> core::awaitable<std::string> {
            Moved m = co_await send_file(data, fd, 0, total, false, &progress);
            std::string error;
            if (m.local)
                error = local_file + ": " + m.local.message();
            else if (m.network)
                error = "data connection: " + m.network.message();
            co_return error;
        };
        std::string err = co_await transfer(client, line, send);
        co_return err;
    });
    ::close(fd);
    return status;
}

int client_rm(const Url& url, const ClientOptions& options)
{
    return run(url, options, [&](Client& client) -> core::awaitable<std::string> {
        std::string line = url.directory ? "RMD " : "DELE ";
        line += url.path;
        auto [err, r] = co_await client.command(line);
        if (!err.empty())
            co_return err;
        std::string error;
        if (!r.positive())
            error = describe(r);
        co_return error;
    });
}

}  // namespace layer7::ftp
