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

}  // namespace
}  // namespace layer7::demo
