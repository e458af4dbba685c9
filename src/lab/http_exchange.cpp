#include "lab/http_exchange.hpp"

#include <exception>
#include <stdexcept>

#include "lab/link.hpp"

namespace layer7::lab {

namespace {

using asio::ip::tcp;
using core::use_tuple;

std::string request(const std::string& target, const std::string& host, bool keep_alive)
{
    std::string authority = host;
    if (target.starts_with("http://")) {
        const auto end = target.find('/', 7);
        authority = target.substr(7, end == std::string::npos ? std::string::npos : end - 7);
    }
    return "GET " + target + " HTTP/1.1\r\nHost: " + authority +
           "\r\nUser-Agent: layer7-lab\r\nConnection: " + (keep_alive ? "keep-alive" : "close") + "\r\n\r\n";
}

// Reads one whole response; returns its content.
core::awaitable<std::string> read_response(tcp::socket& socket, http::h1::ResponseParser& parser)
{
    std::string body;
    char buffer[16384];
    bool closed = false, interim = false;
    for (;;) {
        const auto event = closed ? parser.finish() : parser.next();
        switch (event.kind) {
        case http::h1::EventKind::head:
            // 1xx (103 Early Hints for the demo page) comes before the final response
            interim = http::code(parser.response().status) < 200;
            if (const int code = http::code(parser.response().status); code != 200 && !interim)
                throw std::runtime_error("the server answered " + std::to_string(code));
            continue;
        case http::h1::EventKind::data: body.append(event.data); continue;
        case http::h1::EventKind::complete:
            if (interim)
                continue;
            co_return body;
        case http::h1::EventKind::error: throw std::runtime_error("a malformed response");
        case http::h1::EventKind::need_more:
            if (closed)
                throw std::runtime_error("the connection closed in a response");
            break;
        }
        auto [ec, n] = co_await socket.async_read_some(asio::buffer(buffer), use_tuple);
        if (ec)
            closed = true;
        else
            parser.feed({buffer, n});
    }
}

}  // namespace

core::awaitable<std::vector<std::string>> HttpConnection::get(const std::vector<std::string>& targets, bool keep_alive,
                                                              bool pipelined)
{
    std::vector<std::string> bodies;
    ended.clear();
    std::string all;
    if (pipelined)
        for (const auto& target : targets)
            all += request(target, host, keep_alive);
    for (std::size_t i = 0; i < targets.size(); ++i) {
        if (i == 0 || !pipelined) {
            const std::string text = pipelined ? all : request(targets[i], host, keep_alive);
            auto [ec, n] = co_await asio::async_write(socket, asio::buffer(text), use_tuple);
            if (ec)
                throw std::runtime_error("the connection closed: " + ec.message());
        }
        bodies.push_back(co_await read_response(socket, parser));
        ended.push_back(Clock::now());
    }
    co_return bodies;
}

core::awaitable<std::unique_ptr<HttpConnection>> connect_http(tcp::endpoint server)
{
    auto c = std::make_unique<HttpConnection>(co_await asio::this_coro::executor);
    auto [ec] = co_await c->socket.async_connect(server, use_tuple);
    if (ec)
        throw std::runtime_error("cannot connect to " + server.address().to_string() + ":" +
                                 std::to_string(server.port()) + ": " + ec.message());
    c->socket.set_option(tcp::no_delay(true));
    co_return c;
}

core::awaitable<void> all_of(std::vector<core::awaitable<void>> tasks)
{
    const auto ex = co_await asio::this_coro::executor;
    asio::steady_timer done(ex, Time::max());
    std::size_t left = tasks.size();
    std::exception_ptr failure;
    for (auto& task : tasks)
        asio::co_spawn(ex, std::move(task), [&](std::exception_ptr e) {
            if (e && !failure)
                failure = e;
            if (--left == 0)
                done.cancel();
        });
    if (left > 0)  // co_spawn starts each task later: none can have ended yet
        co_await done.async_wait(use_tuple);
    if (failure)
        std::rethrow_exception(failure);
}

}  // namespace layer7::lab
