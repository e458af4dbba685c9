#include "http/server/home_page.hpp"

#include <gtest/gtest.h>

namespace layer7::http {
namespace {

TEST(HomePage, ListsEveryRowWithItsCommandAndLink)
{
    const std::vector<core::ServiceRow> rows = {
        {"http", "127.0.0.1:8080", "curl -v http://127.0.0.1:8080/", "http://127.0.0.1:8080/"},
        {"smtp/crepes.fr", "127.0.0.1:2525", "swaks --server 127.0.0.1:2525 --to alice@crepes.fr"},
        {"later", "127.0.0.1:1", "a <new> service & its \"page\"", "http://127.0.0.1:1/?a=1&b=2"},
    };
    const std::string html = render_home_page(rows, {{"The base page", "/someDepartment/"}});
    EXPECT_NE(html.find("<a href=\"/someDepartment/\">The base page</a>"), std::string::npos);
    EXPECT_NE(html.find("<td>smtp/crepes.fr</td><td>127.0.0.1:2525</td>"), std::string::npos);
    EXPECT_NE(html.find("<code>swaks --server 127.0.0.1:2525 --to alice@crepes.fr</code>"), std::string::npos);
    EXPECT_NE(html.find("<a href=\"http://127.0.0.1:8080/\">"), std::string::npos);
    // Escaped: a row's text is never markup.
    EXPECT_NE(html.find("a &lt;new&gt; service &amp; its &quot;page&quot;"), std::string::npos);
    EXPECT_NE(html.find("href=\"http://127.0.0.1:1/?a=1&amp;b=2\""), std::string::npos);
    EXPECT_EQ(html.find("<new>"), std::string::npos);
}

// A stand-in for the site's files: answers every path with its name.
class Echo final : public Handler {
public:
    core::awaitable<Outcome> handle(Exchange& exchange) override
    {
        co_return *handle_now(exchange.request, exchange.context);
    }
    std::optional<Reply> handle_now(const Request&, const RequestContext& context) override
    {
        return text_reply(Status::ok, "file " + std::string(context.path));
    }
};

std::string text_of(const Reply& r)
{
    std::string out;
    for (const auto& piece : r.body)
        out += piece.bytes();
    return out;
}

TEST(HomePage, AnswersOnlyTheRootAndShowsTheRowsOnceStarted)
{
    HomePage home(std::make_shared<Echo>(), {});
    Request get;
    get.method = Method(MethodId::get);
    RequestContext context;
    context.path = "/";
    auto before = home.handle_now(get, context);
    ASSERT_TRUE(before);
    EXPECT_EQ(before->response.status, Status::ok);
    EXPECT_EQ(text_of(*before).find("127.0.0.1:8080"), std::string::npos);

    home.set_rows({{"http", "127.0.0.1:8080", "curl http://127.0.0.1:8080/"}});
    auto after = home.handle_now(get, context);
    EXPECT_NE(text_of(*after).find("127.0.0.1:8080"), std::string::npos);

    context.path = "/someDepartment/";
    EXPECT_EQ(text_of(*home.handle_now(get, context)), "file /someDepartment/");

    Request post;
    post.method = Method(MethodId::post);
    context.path = "/";
    EXPECT_EQ(home.handle_now(post, context)->response.status, Status::method_not_allowed);
}

}  // namespace
}  // namespace layer7::http
