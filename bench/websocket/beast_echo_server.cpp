// The Boost.Beast peer for bench/websocket.sh: an asynchronous WebSocket echo server in the shape of
// Beast's advanced async server example, written for this benchmark. One io_context run by N threads,
// each connection a chain of async_read → async_write on its own strand; permessage-deflate off.
// Usage: beast_echo_server PORT THREADS
#include <utility>  // before Boost 1.74: its awaitable.hpp uses std::exchange without it
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdlib>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

class Session : public std::enable_shared_from_this<Session> {
public:
    explicit Session(tcp::socket socket) : ws_(std::move(socket)) {}

    void start()
    {
        ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
        ws_.read_message_max(64u << 20);
        ws_.async_accept(beast::bind_front_handler(&Session::on_accept, shared_from_this()));
    }

private:
    void on_accept(beast::error_code ec)
    {
        if (!ec)
            read();
    }
    void read() { ws_.async_read(buffer_, beast::bind_front_handler(&Session::on_read, shared_from_this())); }
    void on_read(beast::error_code ec, std::size_t)
    {
        if (ec)
            return;  // closed (or failed): the session ends with its last handler
        ws_.text(ws_.got_text());
        ws_.async_write(buffer_.data(), beast::bind_front_handler(&Session::on_write, shared_from_this()));
    }
    void on_write(beast::error_code ec, std::size_t)
    {
        if (ec)
            return;
        buffer_.consume(buffer_.size());
        read();
    }

    websocket::stream<beast::tcp_stream> ws_;
    beast::flat_buffer buffer_;
};

class Listener : public std::enable_shared_from_this<Listener> {
public:
    Listener(asio::io_context& context, tcp::endpoint at) : context_(context), acceptor_(context)
    {
        acceptor_.open(at.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(at);
        acceptor_.listen(asio::socket_base::max_listen_connections);
    }
    void accept()
    {
        // Each connection gets its own strand, so its handlers never run at once on two threads.
        acceptor_.async_accept(asio::make_strand(context_),
                               beast::bind_front_handler(&Listener::on_accept, shared_from_this()));
    }

private:
    void on_accept(beast::error_code ec, tcp::socket socket)
    {
        if (!ec) {
            socket.set_option(tcp::no_delay(true));
            std::make_shared<Session>(std::move(socket))->start();
        }
        accept();
    }
    asio::io_context& context_;
    tcp::acceptor acceptor_;
};

int main(int argc, char** argv)
{
    if (argc != 3) {
        std::cerr << "usage: beast_echo_server PORT THREADS\n";
        return 2;
    }
    const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
    const int threads = std::max(1, std::atoi(argv[2]));
    asio::io_context context(threads);
    std::make_shared<Listener>(context, tcp::endpoint(asio::ip::make_address("127.0.0.1"), port))->accept();
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i)
        pool.emplace_back([&] { context.run(); });
    context.run();
    for (auto& t : pool)
        t.join();
}
