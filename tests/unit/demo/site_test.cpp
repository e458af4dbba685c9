#include "demo/site.hpp"

#include <gtest/gtest.h>

namespace layer7::demo {
namespace {

TEST(DemoSite, BasePageReferencesTenPngImages)
{
    const auto files = site_files();
    const http::DemoFile* index = nullptr;
    int images = 0;
    for (const auto& f : files) {
        if (f.path == "someDepartment/index.html")
            index = &f;
        if (f.path.starts_with("images/")) {
            ++images;
            ASSERT_GT(f.content.size(), 40u);
            EXPECT_EQ(f.content.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8)) << f.path;
            EXPECT_EQ(f.content.substr(f.content.size() - 8, 4), "IEND") << f.path;
        }
    }
    ASSERT_NE(index, nullptr);
    EXPECT_EQ(images, 10);
    std::size_t refs = 0;
    for (std::size_t at = 0; (at = index->content.find("<img src=\"/images/pic", at)) != std::string::npos; ++at)
        ++refs;
    EXPECT_EQ(refs, 10u);
}

TEST(DemoSite, ForHttpHintsTheTenImagesAndLinksTheBasePage)
{
    const http::DemoSite site = web_site();
    ASSERT_EQ(site.preload_links.size(), 10u);
    EXPECT_EQ(site.preload_links.front(), "</images/pic01.png>; rel=preload; as=image");
    EXPECT_EQ(site.base_page, base_page);
    ASSERT_FALSE(site.pages.empty());
    EXPECT_EQ(site.pages.front().href, base_page);
    bool marker = false;
    for (const auto& f : site.files)
        marker = marker || f.path == site.marker;
    EXPECT_TRUE(marker) << site.marker;
    ASSERT_EQ(site.cgi_scripts.size(), 1u);
    EXPECT_EQ(site.cgi_scripts.front().path, site.cgi_marker);
    EXPECT_TRUE(site.cgi_scripts.front().executable);
}

}  // namespace
}  // namespace layer7::demo
