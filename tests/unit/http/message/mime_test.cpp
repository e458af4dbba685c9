// Tests for http/message/mime.
#include "http/message/mime.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

TEST(Mime, ByExtension)
{
    EXPECT_EQ(mime_type_for_extension("html"), "text/html; charset=utf-8");
    EXPECT_EQ(mime_type_for_extension("PNG"), "image/png");
    EXPECT_EQ(mime_type_for_extension("jpg"), "image/jpeg");
    EXPECT_EQ(mime_type_for_extension("mpd"), "application/dash+xml");
    EXPECT_EQ(mime_type_for_extension("m4s"), "video/iso.segment");
    EXPECT_EQ(mime_type_for_extension("wasm"), "application/wasm");
    EXPECT_EQ(mime_type_for_extension("woff2"), "font/woff2");
    EXPECT_EQ(mime_type_for_extension("nope"), "application/octet-stream");
    EXPECT_EQ(mime_type_for_extension(""), "application/octet-stream");
}

TEST(Mime, ByPath)
{
    EXPECT_EQ(mime_type_for_path("/img/logo.svg"), "image/svg+xml");
    EXPECT_EQ(mime_type_for_path("/a.b/README"), "application/octet-stream");
    EXPECT_EQ(mime_type_for_path("/.htaccess"), "application/octet-stream");
    EXPECT_EQ(mime_type_for_path("index.HTM"), "text/html; charset=utf-8");
}

TEST(Mime, Compressible)
{
    EXPECT_TRUE(is_compressible("text/html; charset=utf-8"));
    EXPECT_TRUE(is_compressible("application/json"));
    EXPECT_TRUE(is_compressible("image/svg+xml"));
    EXPECT_TRUE(is_compressible("application/dash+xml"));
    EXPECT_TRUE(is_compressible("application/wasm"));
    EXPECT_TRUE(is_compressible("TEXT/CSS"));
    EXPECT_FALSE(is_compressible("image/png"));
    EXPECT_FALSE(is_compressible("video/mp4"));
    EXPECT_FALSE(is_compressible("font/woff2"));
    EXPECT_FALSE(is_compressible("application/octet-stream"));
    EXPECT_FALSE(is_compressible("garbage"));
}
