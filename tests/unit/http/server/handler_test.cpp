// Handler: method rules, path safety and virtual hosts, over real temporary directories.
#include "http/server/handler.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace layer7::http {
namespace {

namespace fs = std::filesystem;

class HandlerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        base = fs::temp_directory_path() / ("handler-" + std::to_string(::getpid()));
        fs::remove_all(base);
        fs::create_directories(base / "a");
        fs::create_directories(base / "b");
        std::ofstream(base / "a" / "who.txt") << "site a";
        std::ofstream(base / "b" / "who.txt") << "site b";
        hosts.push_back({{}, std::make_shared<Site>((base / "a").string(), SiteOptions{})});
        hosts.push_back({{"www.b.example"}, std::make_shared<Site>((base / "b").string(), SiteOptions{})});
        handler = std::make_unique<Handler>(hosts, sessions);
    }
    void TearDown() override { fs::remove_all(base); }

    Reply call(MethodId m, std::string target, std::string host = "localhost")
    {
        Request r;
        r.method = Method(m);
        r.target = std::move(target);
        r.fields.add("Host", host);
        return handler->handle(r, "", RequestContext{false, std::chrono::steady_clock::now(), {}});
    }
    static std::string body(const Reply& r)
    {
        std::string out;
        for (const auto& p : r.body)
            out += p.bytes();
        return out;
    }

    fs::path base;
    std::vector<VirtualHost> hosts;
    SessionTable sessions{[] { return std::string("id"); }};
    std::unique_ptr<Handler> handler;
};

TEST_F(HandlerTest, VirtualHostsByHostField)
{
    EXPECT_EQ(body(call(MethodId::get, "/who.txt")), "site a");
    EXPECT_EQ(body(call(MethodId::get, "/who.txt", "WWW.B.EXAMPLE:8080")), "site b");
    EXPECT_EQ(body(call(MethodId::get, "/who.txt", "unknown.example")), "site a");
}

TEST_F(HandlerTest, MethodsNotAllowedGet405WithAllow)
{
    for (MethodId m : {MethodId::post, MethodId::put, MethodId::delete_, MethodId::patch, MethodId::trace}) {
        Reply r = call(m, "/who.txt");
        EXPECT_EQ(r.response.status, Status::method_not_allowed);
        EXPECT_EQ(r.response.fields.get("Allow"), "GET, HEAD, OPTIONS");
    }
    Reply options = call(MethodId::options, "/who.txt");
    EXPECT_EQ(options.response.status, Status::no_content);
    EXPECT_EQ(call(MethodId::options, "*").response.status, Status::no_content);
    EXPECT_EQ(call(MethodId::post, "/echo?a=b").response.status, Status::ok);
    EXPECT_EQ(call(MethodId::post, "/session").response.status, Status::method_not_allowed);
}

TEST_F(HandlerTest, PathEscapesAndBadEscapes)
{
    EXPECT_EQ(call(MethodId::get, "/../b/who.txt").response.status, Status::forbidden);
    EXPECT_EQ(call(MethodId::get, "/%2e%2e/b/who.txt").response.status, Status::forbidden);
    EXPECT_EQ(call(MethodId::get, "/who.txt%00.png").response.status, Status::bad_request);
    EXPECT_EQ(call(MethodId::get, "/%zz").response.status, Status::bad_request);
    EXPECT_EQ(body(call(MethodId::get, "/./x/../who.txt")), "site a");
}

// The connection drops a HEAD reply's body; its length must still be the GET's.
TEST_F(HandlerTest, HeadDescribesTheSameLengthAsGet)
{
    EXPECT_EQ(call(MethodId::head, "/who.txt").body_size(), 6u);
}

}  // namespace
}  // namespace layer7::http
