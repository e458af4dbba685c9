// The authoritative server: see server.hpp.
#include "dns/server/server.hpp"

namespace layer7::dns {

Server::Server(ZoneStore& zones, const ServerOptions& options)
    : zones_(zones), authority_(options), shell_({.rrl = options.rrl,
                                                  .udp_size = options.answer.udp_size,
                                                  .tcp_idle = options.tcp_idle,
                                                  .max_waiting = 0}),  // the authority never waits
      tcp_handler_(zones, authority_, /*hold_answers=*/false)
{
}

core::awaitable<void> Server::serve_udp(asio::ip::udp::socket& socket)
{
    return shell_.serve_udp(socket, std::make_shared<AuthorityHandler>(zones_, authority_, /*hold_answers=*/true));
}

void Server::serve_udp_on_thread(int fd, const std::atomic<bool>& stopping)
{
    shell_.serve_udp_on_thread(fd, stopping,
                               std::make_shared<AuthorityHandler>(zones_, authority_, /*hold_answers=*/true));
}

core::awaitable<void> Server::serve_tcp(core::TcpSocket socket)
{
    return shell_.serve_tcp(std::move(socket), tcp_handler_);
}

}  // namespace layer7::dns
