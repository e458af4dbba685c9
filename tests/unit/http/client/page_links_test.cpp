// Tests for http/client/page_links: the objects a base page references.
#include "http/client/page_links.hpp"

#include <gtest/gtest.h>

using namespace layer7::http::client;

TEST(PageLinks, TheTextbookPage)
{
    std::string html =
        "<!DOCTYPE html><html><head><link rel=\"stylesheet\" href=\"style.css\">"
        "<script src='app.js'></script></head><body>\n";
    for (int i = 1; i <= 10; ++i)
        html += "<IMG SRC=\"images/pic" + std::to_string(i) + ".png\" alt=\"picture\">\n";
    html +=
        "<a href=\"other.html\">not an object</a><img src=images/pic1.png>"
        "<!-- <img src=\"commented.png\"> --><img src=\"data:image/png;base64,AAAA\"></body></html>";
    auto links = page_links(html);
    ASSERT_EQ(links.size(), 12u);
    EXPECT_EQ(links[0], "style.css");
    EXPECT_EQ(links[1], "app.js");
    EXPECT_EQ(links[2], "images/pic1.png");
    EXPECT_EQ(links[11], "images/pic10.png");
}

TEST(PageLinks, MalformedMarkupNeverOverreads)
{
    EXPECT_TRUE(page_links("").empty());
    EXPECT_TRUE(page_links("<").empty());
    EXPECT_TRUE(page_links("<img src=\"unterminated").empty());
    EXPECT_TRUE(page_links("<img src=").empty());
    EXPECT_TRUE(page_links("<!-- never closed <img src=a>").empty());
    EXPECT_EQ(page_links("<img\tsrc = 'x.png'/>"), std::vector<std::string>{"x.png"});
    EXPECT_LE(page_links("<img = src=y.png>").size(), 1u);  // odd markup: no crash, at most one link
}
