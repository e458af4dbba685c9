// `layer7 ftp ls|get|put|rm URL [FILE]`: one connection per command; get resumes with REST when
// the local file holds a prefix (RFC 3659 §5); a progress bar on standard error when it is a terminal.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/log/progress_bar.hpp"
#include "ftp/client.hpp"

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
        struct stat st{};
        const std::uint64_t have = ::stat(file.c_str(), &st) == 0 && S_ISREG(st.st_mode) ? st.st_size : 0;
        std::uint64_t total = 0;
        const std::string size_line = "SIZE " + url.path;
        auto [serr, size] = co_await client.command(size_line);
        if (!serr.empty())
            co_return serr;
        if (size.code == 213)
            total = std::strtoull(size.text.c_str(), nullptr, 10);
        std::uint64_t offset = 0;
        if (have > 0 && size.code == 213 && have == total)
            co_return std::string();  // already complete
        if (have > 0 && have < total) {
            const std::string rest_line = "REST " + std::to_string(have);
            auto [rerr, rest] = co_await client.command(rest_line);
            if (!rerr.empty())
                co_return rerr;
            if (rest.code == 350)
                offset = have;
        }
        const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | (offset ? O_APPEND : O_TRUNC), 0644);
        if (fd < 0)
            co_return file + ": " + std::strerror(errno);
        core::ProgressBar bar(options.progress, offset, total);
        const std::string line = "RETR " + url.path;
        const Progress progress = [&](std::uint64_t n) { bar.update(n); };
        auto receive = [&](core::Stream& data) -> core::awaitable<std::string> {
            Moved m = co_await receive_file(data, fd, false, &progress);
            std::string error;
            if (m.local)
                error = file + ": " + m.local.message();
            else if (m.network)
                error = "data connection: " + m.network.message();
            co_return error;
        };
        std::string err = co_await transfer(client, line, receive);
        if (::close(fd) != 0 && err.empty())
            err = file + ": " + std::strerror(errno);
        co_return err;
    });
}

int client_put(const Url& url, const std::string& local_file, const ClientOptions& options)
{
    const int fd = ::open(local_file.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st{};
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
