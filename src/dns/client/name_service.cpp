// The stub resolver behind core::NameService: see name_service.hpp.
#include "dns/client/name_service.hpp"

#include <chrono>

#include "dns/client/transport.hpp"

namespace layer7::dns {

std::pair<std::error_code, std::vector<asio::ip::address>> addresses_of(const Message& reply)
{
    std::vector<asio::ip::address> out;
    for (const auto& record : reply.answers) {
        if (const auto* a = std::get_if<A>(&record.data))
            out.emplace_back(asio::ip::address_v4(a->address));
        else if (const auto* aaaa = std::get_if<Aaaa>(&record.data))
            out.emplace_back(asio::ip::address_v6(aaaa->address));
    }
    if (reply.rcode == Rcode::nx_domain || (reply.rcode == Rcode::no_error && out.empty()))
        return {asio::error::host_not_found, {}};
    if (reply.rcode != Rcode::no_error)
        return {asio::error::host_not_found_try_again, {}};
    return {std::error_code{}, std::move(out)};
}

namespace {

class ResolverNameService final : public core::NameService {
public:
    explicit ResolverNameService(asio::ip::udp::endpoint server) : server_(std::move(server)) {}

    core::awaitable<std::pair<std::error_code, std::vector<asio::ip::address>>> lookup(std::string host) override
    {
        auto name = Name::parse(host.ends_with('.') ? host : host + ".");
        if (!name.ok())
            co_return std::pair{std::error_code(asio::error::host_not_found), std::vector<asio::ip::address>{}};
        const Name qname = name.value();  // named: GCC 12 destroys temporaries in co_await too early
        auto result = co_await ask(qname, RrType::a);
        if (result.first == asio::error::host_not_found)
            result = co_await ask(qname, RrType::aaaa);
        co_return result;
    }

private:
    core::awaitable<std::pair<std::error_code, std::vector<asio::ip::address>>> ask(Name name, RrType type)
    {
        Message query;
        query.id = random_id();
        query.flags.rd = true;
        query.questions.push_back(Question{std::move(name), type});
        ExchangeOptions options;
        options.timeout = std::chrono::milliseconds(2000);  // per try; a resolver iterating may be slow
        options.tries = 2;
        const asio::ip::address server = server_.address();
        const Exchange x = co_await exchange(server, server_.port(), query, options);
        if (!x.error.empty())
            co_return std::pair{std::error_code(asio::error::host_not_found_try_again),
                                std::vector<asio::ip::address>{}};
        co_return addresses_of(x.reply);
    }

    asio::ip::udp::endpoint server_;
};

}  // namespace

std::shared_ptr<core::NameService> make_name_service(const asio::ip::udp::endpoint& server)
{
    return std::make_shared<ResolverNameService>(server);
}

}  // namespace layer7::dns
