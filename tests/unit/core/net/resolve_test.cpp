// Which source answers a client's name lookup: a literal, the hosts file, a configured name
// service (the proxy's DNS resolver), and only without one the system resolver. No sockets.
#include "core/net/resolve.hpp"

#include <gtest/gtest.h>

namespace layer7::core {
namespace {

class FakeNames final : public NameService {
public:
    awaitable<std::pair<std::error_code, std::vector<asio::ip::address>>> lookup(std::string host) override
    {
        asked.push_back(host);
        if (host == "www.hamburger.edu")
            co_return std::pair{std::error_code{}, std::vector{asio::ip::make_address("127.0.0.9")}};
        co_return std::pair{std::error_code(asio::error::host_not_found), std::vector<asio::ip::address>{}};
    }
    std::vector<std::string> asked;
};

using Resolved = std::pair<std::error_code, std::vector<asio::ip::tcp::endpoint>>;

awaitable<void> resolve_into(HostPort hp, NameService* names, Resolved& out)
{
    out = co_await resolve_tcp(hp, names);
}

Resolved resolve(const HostPort& hp, NameService* names)
{
    asio::io_context io;
    Resolved out;
    asio::co_spawn(io, resolve_into(hp, names, out), asio::detached);
    io.run();
    return out;
}

class NameOrder : public ::testing::Test {
protected:
    void SetUp() override { use_hosts(HostsTable(std::vector<HostsEntry>{{"10.1.2.3", {"www.someschool.edu"}}})); }
    void TearDown() override { use_hosts({}); }
    FakeNames names;
};

TEST_F(NameOrder, ANameServiceAnswersWhatTheHostsFileDoesNotKnow)
{
    auto [ec, endpoints] = resolve({"www.hamburger.edu", 8080}, &names);
    ASSERT_FALSE(ec);
    ASSERT_EQ(endpoints.size(), 1u);
    EXPECT_EQ(endpoints[0], asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.9"), 8080));
    EXPECT_EQ(names.asked, std::vector<std::string>{"www.hamburger.edu"});
}

TEST_F(NameOrder, TheHostsFileAndLiteralsComeFirst)
{
    auto [ec, endpoints] = resolve({"www.someschool.edu", 80}, &names);
    ASSERT_FALSE(ec);
    EXPECT_EQ(endpoints.at(0).address(), asio::ip::make_address("10.1.2.3"));
    auto [ec2, literal] = resolve({"127.0.0.5", 80}, &names);
    ASSERT_FALSE(ec2);
    EXPECT_EQ(literal.at(0).address(), asio::ip::make_address("127.0.0.5"));
    EXPECT_TRUE(names.asked.empty());
}

TEST_F(NameOrder, TheNameServicesNoIsFinal)
{
    // No second try with the system resolver: "localhost" would resolve there.
    auto [ec, endpoints] = resolve({"nowhere.localhost", 80}, &names);
    EXPECT_EQ(ec, asio::error::host_not_found);
    EXPECT_TRUE(endpoints.empty());
    EXPECT_EQ(names.asked.size(), 1u);
}

}  // namespace
}  // namespace layer7::core
