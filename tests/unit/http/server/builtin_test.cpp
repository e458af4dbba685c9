#include "http/server/builtin.hpp"

#include <gtest/gtest.h>

namespace layer7::http {
namespace {

std::string body_of(const Reply& r)
{
    std::string out;
    for (const auto& p : r.body)
        out += p.bytes();
    return out;
}

TEST(Builtin, EchoShowsQueryAndFormBody)
{
    Request get;
    get.method = Method(MethodId::get);
    Reply r = echo_page(get, "animal=monkeys&fruit=bananas%21", "");
    EXPECT_EQ(r.response.status, Status::ok);
    const std::string html = body_of(r);
    EXPECT_NE(html.find("<th>animal</th><td>monkeys</td>"), std::string::npos);
    EXPECT_NE(html.find("<td>bananas!</td>"), std::string::npos);

    Request post;
    post.method = Method(MethodId::post);
    post.fields.add("Content-Type", "application/x-www-form-urlencoded");
    r = echo_page(post, "", "name=%3Cb%3EBob%3C%2Fb%3E&x=a+b");
    const std::string posted = body_of(r);
    EXPECT_NE(posted.find("&lt;b&gt;Bob&lt;/b&gt;"), std::string::npos);  // never reflected as HTML
    EXPECT_NE(posted.find("<td>a b</td>"), std::string::npos);
    EXPECT_EQ(echo_page(get, "bad=%00", "").response.status, Status::bad_request);
}

TEST(Builtin, SessionSetsCookieThenGreetsByCount)
{
    SessionTable sessions([] { return std::string("s1"); });
    Request first;
    first.method = Method(MethodId::get);
    Reply r = session_page(first, sessions, std::chrono::sys_seconds{}, false);
    auto cookie = r.response.fields.get("Set-Cookie");
    ASSERT_TRUE(cookie);
    EXPECT_EQ(cookie->substr(0, 18), "layer7_session=s1;");
    EXPECT_NE(cookie->find("HttpOnly"), std::string_view::npos);
    Request again;
    again.method = Method(MethodId::get);
    again.fields.add("Cookie", "other=1; layer7_session=s1");
    r = session_page(again, sessions, std::chrono::sys_seconds{}, true);
    EXPECT_FALSE(r.response.fields.contains("Set-Cookie"));
    EXPECT_NE(body_of(r).find("visit number 2"), std::string::npos);
}

}  // namespace
}  // namespace layer7::http
