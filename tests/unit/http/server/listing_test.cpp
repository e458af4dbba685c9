#include "http/server/listing.hpp"

#include <gtest/gtest.h>

namespace layer7::http {
namespace {

TEST(Listing, SortsDirectoriesFirstAndEscapes)
{
    const std::string html = render_listing(
        "/docs/",
        {{"b.txt", false, 5, {}}, {"<script>", false, 1, {}}, {"sub", true, 0, {}}, {"a b.txt", false, 7, {}}});
    EXPECT_NE(html.find("Index of /docs/"), std::string::npos);
    EXPECT_NE(html.find("href=\"../\""), std::string::npos);
    EXPECT_LT(html.find("sub/"), html.find("a b.txt"));
    EXPECT_LT(html.find(">a b.txt<"), html.find(">b.txt<"));
    EXPECT_NE(html.find("href=\"a%20b.txt\""), std::string::npos);
    EXPECT_EQ(html.find("<script>"), std::string::npos);
    EXPECT_NE(html.find("&lt;script&gt;"), std::string::npos);
    EXPECT_EQ(render_listing("/", {}).find("href=\"../\""), std::string::npos);
}

}  // namespace
}  // namespace layer7::http
