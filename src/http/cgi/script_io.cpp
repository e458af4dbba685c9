// The two pipes of a running CGI script: see script_io.hpp.
#include "http/cgi/script_io.hpp"

#include <spdlog/spdlog.h>

namespace layer7::http::cgi {

namespace {
using namespace asio::experimental::awaitable_operators;
constexpr std::size_t output_buffer = 64 * 1024;  // one pipe's worth (Linux default pipe size)
}  // namespace

ScriptIo::ScriptIo(std::unique_ptr<Child> child, core::ByteSource* body, std::uint64_t length)
    : child_(std::move(child)), body_(body), unread_(length)
{
    if (!body_ || unread_ == 0)
        child_->close_input();
}

void ScriptIo::stop_input()
{
    body_ = nullptr;
    pending_ = {};
    child_->close_input();  // the script sees the end of its input
}

core::awaitable<std::pair<std::error_code, std::size_t>> ScriptIo::read(std::span<char> buffer)
{
    auto& out = child_->output();
    auto& in = child_->input();
    for (;;) {
        if (body_ && pending_.empty()) {
            std::string_view chunk;
            const auto ec = co_await body_->next(chunk);
            if (ec)
                spdlog::info("cgi: the request body ended early: {}", ec.message());
            if (ec || chunk.empty() || chunk.size() > unread_) {
                stop_input();
            } else {
                pending_ = chunk;
                unread_ -= chunk.size();
            }
            continue;
        }
        std::error_code ec;
        if (body_) {
            // Whichever pipe is ready first: a script may answer before it has read all its input.
            auto ready = co_await (out.async_wait(asio::posix::descriptor_base::wait_read, core::use_tuple) ||
                                   in.async_wait(asio::posix::descriptor_base::wait_write, core::use_tuple));
            if (ready.index() == 1) {
                const std::size_t n = in.write_some(asio::buffer(pending_.data(), pending_.size()), ec);
                if (ec && ec != asio::error::would_block)
                    stop_input();  // EPIPE: the script does not want the rest
                else
                    pending_.remove_prefix(n);
                if (pending_.empty() && unread_ == 0)
                    stop_input();  // all of it: the script sees its end of input
                continue;
            }
        } else {
            co_await out.async_wait(asio::posix::descriptor_base::wait_read, core::use_tuple);
        }
        const std::size_t n = out.read_some(asio::buffer(buffer.data(), buffer.size()), ec);
        if (ec == asio::error::would_block)
            continue;
        if (ec == asio::error::eof)
            co_return std::pair{std::error_code{}, std::size_t{0}};
        co_return std::pair{ec, n};
    }
}

OutputSource::OutputSource(std::unique_ptr<ScriptIo> io, std::string first, std::uint64_t max_output, std::string name)
    : io_(std::move(io)), first_(std::move(first)), max_output_(max_output), name_(std::move(name))
{
}

core::awaitable<std::error_code> OutputSource::next(std::string_view& chunk)
{
    chunk = {};
    if (!first_sent_) {
        first_sent_ = true;
        if (!first_.empty()) {
            produced_ = first_.size();
            chunk = first_;
            co_return std::error_code{};
        }
    }
    buffer_.resize(output_buffer);
    auto [ec, n] = co_await io_->read(buffer_);
    if (ec) {
        io_->child().kill();
        co_return ec;
    }
    if (n == 0) {
        if (io_->child().timed_out()) {
            spdlog::warn("cgi: {}: reply cut at the time limit after {} bytes", name_, produced_);
            co_return std::make_error_code(std::errc::timed_out);
        }
        io_->child().finished();
        co_return std::error_code{};
    }
    produced_ += n;
    if (produced_ > max_output_) {
        spdlog::warn("cgi: {}: output over {} bytes: cut, script killed", name_, max_output_);
        io_->child().kill();
        co_return std::make_error_code(std::errc::file_too_large);
    }
    chunk = std::string_view(buffer_).substr(0, n);
    co_return std::error_code{};
}

}  // namespace layer7::http::cgi
