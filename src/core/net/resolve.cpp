// Endpoint helpers: see resolve.hpp.
#include "core/net/resolve.hpp"

namespace layer7::core {

namespace {
HostsTable& hosts_table()
{
    static HostsTable table;  // written once by use_hosts() before threads start, then only read
    return table;
}
}  // namespace

void use_hosts(HostsTable table)
{
    hosts_table() = std::move(table);
}

std::vector<asio::ip::address> hosts_addresses(const std::string& host)
{
    std::vector<asio::ip::address> out;
    for (const auto& text : hosts_table().addresses(host)) {
        std::error_code ec;
        auto address = asio::ip::make_address(text, ec);
        if (!ec)
            out.push_back(address);
    }
    return out;
}

std::optional<asio::ip::address> literal_address(const std::string& host)
{
    if (host == "localhost")
        return asio::ip::address_v4::loopback();
    std::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec)
        return std::nullopt;
    return address;
}

std::optional<asio::ip::tcp::endpoint> tcp_endpoint(const HostPort& hp)
{
    auto address = literal_address(hp.host);
    if (!address)
        return std::nullopt;
    return asio::ip::tcp::endpoint(*address, hp.port);
}

std::optional<asio::ip::udp::endpoint> udp_endpoint(const HostPort& hp)
{
    auto address = literal_address(hp.host);
    if (!address)
        return std::nullopt;
    return asio::ip::udp::endpoint(*address, hp.port);
}

std::error_code listen_on(asio::ip::tcp::acceptor& acceptor, const asio::ip::tcp::endpoint& endpoint, int backlog)
{
    std::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec)
        acceptor.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        acceptor.bind(endpoint, ec);
    if (!ec)
        acceptor.listen(backlog, ec);
    return ec;
}

awaitable<std::pair<std::error_code, std::vector<asio::ip::tcp::endpoint>>> resolve_tcp(const HostPort& hp,
                                                                                        NameService* names)
{
    std::vector<asio::ip::tcp::endpoint> out;
    if (auto endpoint = tcp_endpoint(hp)) {
        out.push_back(*endpoint);
        co_return std::pair{std::error_code{}, std::move(out)};
    }
    for (const auto& address : hosts_addresses(hp.host))
        out.emplace_back(address, hp.port);
    if (!out.empty())
        co_return std::pair{std::error_code{}, std::move(out)};
    if (names) {
        auto [ec, addresses] = co_await names->lookup(hp.host);
        for (const auto& address : addresses)
            out.emplace_back(address, hp.port);
        co_return std::pair{ec, std::move(out)};
    }
    asio::ip::tcp::resolver resolver(co_await asio::this_coro::executor);
    auto [ec, results] = co_await resolver.async_resolve(hp.host, std::to_string(hp.port), use_tuple);
    for (const auto& entry : results)
        out.push_back(entry.endpoint());
    co_return std::pair{ec, std::move(out)};
}

namespace {
awaitable<std::pair<std::error_code, TcpSocket>> connect_first(const HostPort& hp, NameService* names)
{
    asio::io_context& context = io_context_of(co_await asio::this_coro::executor);
    TcpSocket socket(context);
    auto [ec, endpoints] = co_await resolve_tcp(hp, names);
    if (ec)
        co_return std::pair{ec, std::move(socket)};
    ec = asio::error::host_not_found;
    for (const auto& endpoint : endpoints) {
        std::error_code ignored;
        socket.close(ignored);  // a failed attempt leaves it unusable; async_connect opens it anew
        auto [connect_ec] = co_await socket.async_connect(endpoint, use_tuple);
        ec = connect_ec;
        if (!ec)
            break;
    }
    co_return std::pair{ec, std::move(socket)};
}

}  // namespace

awaitable<std::pair<std::error_code, TcpSocket>> connect_tcp(const HostPort& hp,
                                                             std::chrono::steady_clock::duration timeout,
                                                             NameService* names)
{
    using namespace asio::experimental::awaitable_operators;
    const auto executor = co_await asio::this_coro::executor;
    asio::steady_timer timer(executor, timeout);
    auto race = co_await (connect_first(hp, names) || timer.async_wait(use_tuple));
    if (race.index() == 1)
        co_return std::pair{std::error_code(asio::error::timed_out), TcpSocket(io_context_of(executor))};
    co_return std::move(std::get<0>(race));
}

}  // namespace layer7::core
