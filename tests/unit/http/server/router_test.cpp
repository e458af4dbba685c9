// Router with the origin's handlers: method rules, path safety, virtual hosts and mount prefixes,
// over real temporary directories (the fast path, handle_now, as the shell calls it).
#include "http/server/router.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "http/server/builtin.hpp"
#include "http/server/files_handler.hpp"
#include "http/server/time_handler.hpp"

namespace layer7::http {
namespace {

namespace fs = std::filesystem;

class RouterTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        base = fs::temp_directory_path() / ("handler-" + std::to_string(::getpid()));
        fs::remove_all(base);
        fs::create_directories(base / "a");
        fs::create_directories(base / "b");
        std::ofstream(base / "a" / "who.txt") << "site a";
        std::ofstream(base / "b" / "who.txt") << "site b";
        auto files = [&](const char* dir) {
            return std::make_shared<FilesHandler>(std::make_shared<Site>((base / dir).string(), SiteOptions{}), 1024);
        };
        router.mount("", "/", files("a"));
        router.mount("www.b.example", "/", files("b"));
        router.mount("", "/docs/", files("b"));
        router.mount("", "/echo", std::make_shared<EchoHandler>(1024));
        router.mount("", "/session", std::make_shared<SessionHandler>(sessions));
        router.mount("", "/time", std::make_shared<TimeHandler>());
    }
    void TearDown() override { fs::remove_all(base); }

    Reply call(MethodId m, std::string target, std::string host = "localhost")
    {
        Request r;
        r.method = Method(m);
        r.target = std::move(target);
        r.fields.add("Host", host);
        RequestContext context;
        context.now = std::chrono::steady_clock::now();
        context.worker = &worker;  // as the connection shells set it: the file cache is the worker's
        std::optional<Reply> reply = router.handle_now(r, context);
        if (!reply) {
            ADD_FAILURE() << "no fast answer for " << r.target;
            return error_reply(Status::internal_server_error);
        }
        return std::move(*reply);
    }
    static std::string body(const Reply& r)
    {
        std::string out;
        for (const auto& p : r.body)
            out += p.bytes();
        return out;
    }

    fs::path base;
    SessionTable sessions{[] { return std::string("id"); }};
    Router router;
    asio::io_context io;
    core::WorkerSlots& worker = core::WorkerSlots::of(io);
};

TEST_F(RouterTest, VirtualHostsByHostField)
{
    EXPECT_EQ(body(call(MethodId::get, "/who.txt")), "site a");
    EXPECT_EQ(body(call(MethodId::get, "/who.txt", "WWW.B.EXAMPLE:8080")), "site b");
    EXPECT_EQ(body(call(MethodId::get, "/who.txt", "unknown.example")), "site a");
}

TEST_F(RouterTest, MethodsNotAllowedGet405WithAllow)
{
    for (MethodId m : {MethodId::post, MethodId::put, MethodId::delete_, MethodId::patch, MethodId::trace}) {
        Reply r = call(m, "/who.txt");
        EXPECT_EQ(r.response.status, Status::method_not_allowed);
        EXPECT_EQ(r.response.fields.get("Allow"), "GET, HEAD, OPTIONS");
    }
    Reply options = call(MethodId::options, "/who.txt");
    EXPECT_EQ(options.response.status, Status::no_content);
    EXPECT_EQ(call(MethodId::options, "*").response.status, Status::no_content);
    EXPECT_EQ(call(MethodId::post, "/session").response.status, Status::method_not_allowed);
}

TEST_F(RouterTest, PathEscapesAndBadEscapes)
{
    EXPECT_EQ(call(MethodId::get, "/../b/who.txt").response.status, Status::forbidden);
    EXPECT_EQ(call(MethodId::get, "/%2e%2e/b/who.txt").response.status, Status::forbidden);
    EXPECT_EQ(call(MethodId::get, "/who.txt%00.png").response.status, Status::bad_request);
    EXPECT_EQ(call(MethodId::get, "/%zz").response.status, Status::bad_request);
    EXPECT_EQ(body(call(MethodId::get, "/./x/../who.txt")), "site a");
}

TEST_F(RouterTest, LongestPrefixWinsAndStripsTheMount)
{
    EXPECT_EQ(body(call(MethodId::get, "/docs/who.txt")), "site b");
    EXPECT_EQ(call(MethodId::get, "/docsx/who.txt").response.status, Status::not_found);
    EXPECT_EQ(call(MethodId::get, "/echo?a=b").response.status, Status::ok);
    EXPECT_EQ(call(MethodId::get, "/echo/x").response.status, Status::ok);
    EXPECT_EQ(call(MethodId::get, "/echoes").response.status, Status::not_found);  // a file under "/"
    // Built-ins mounted for any host are found on a named virtual host too (longer prefix).
    EXPECT_EQ(call(MethodId::get, "/time", "www.b.example").response.fields.get("Content-Type"), "application/json");
}

TEST_F(RouterTest, RedirectsUnderAMountKeepThePrefix)
{
    std::filesystem::create_directories(base / "b" / "sub");
    Reply r = call(MethodId::get, "/docs/sub");
    EXPECT_EQ(r.response.status, Status::moved_permanently);
    EXPECT_EQ(r.response.fields.get("Location").value_or("").substr(0, 10), "/docs/sub/");
}

TEST_F(RouterTest, BodiesGoThroughTheCoroutine)
{
    Request r;
    r.method = Method(MethodId::post);
    r.target = "/echo";
    r.fields.add("Host", "x");
    EXPECT_FALSE(router.handle_now(r, RequestContext{}));
}

// The connection drops a HEAD reply's body; its length must still be the GET's.
TEST_F(RouterTest, HeadDescribesTheSameLengthAsGet)
{
    EXPECT_EQ(call(MethodId::head, "/who.txt").body_size(), 6u);
}

}  // namespace
}  // namespace layer7::http
