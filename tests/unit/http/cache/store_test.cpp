// Tests for http/cache/store: LRU limits, replacement, and surviving a restart (files on disk).
#include "http/cache/store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace layer7::http;
using namespace layer7::http::cache;

namespace {

std::shared_ptr<const Entry> entry(const std::string& url, std::size_t body_size, char fill = 'x')
{
    auto e = std::make_shared<Entry>();
    e->primary = "GET " + url;
    e->key = e->primary + "\n";
    e->response.fields.add("Content-Type", "text/plain");
    e->body = std::make_shared<const std::string>(body_size, fill);
    return e;
}

struct TempDir {
    std::filesystem::path path;
    TempDir()
    {
        path =
            std::filesystem::temp_directory_path() / ("layer7-store-test-" + std::to_string(::getpid()) + "-" +
                                                      ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(path);
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

}  // namespace

TEST(Store, MemoryOnlyLruEviction)
{
    StoreOptions o;
    o.max_bytes = 3 * entry("http://a/", 1000)->cost();
    Store s(o);
    ASSERT_FALSE(s.put(entry("http://a/", 1000)));
    ASSERT_FALSE(s.put(entry("http://b/", 1000)));
    ASSERT_FALSE(s.put(entry("http://c/", 1000)));
    EXPECT_TRUE(s.find("GET http://a/\n"));  // a is now the most recently used
    ASSERT_FALSE(s.put(entry("http://d/", 1000)));
    EXPECT_TRUE(s.find("GET http://a/\n"));
    EXPECT_FALSE(s.find("GET http://b/\n"));  // the least recently used went
    EXPECT_EQ(s.stats().entries, 3u);
    EXPECT_LE(s.stats().bytes, o.max_bytes);
}

TEST(Store, ReplaceAndErase)
{
    Store s(StoreOptions{});
    ASSERT_FALSE(s.put(entry("http://a/", 10, 'x')));
    ASSERT_FALSE(s.put(entry("http://a/", 20, 'y')));
    EXPECT_EQ(s.stats().entries, 1u);
    EXPECT_EQ(*s.find("GET http://a/\n")->body, std::string(20, 'y'));
    EXPECT_EQ(s.vary_of("GET http://a/"), std::vector<std::string>{});
    s.erase("GET http://a/\n");
    EXPECT_FALSE(s.find("GET http://a/\n"));
    EXPECT_FALSE(s.vary_of("GET http://nothing/"));
}

TEST(Store, SurvivesRestartAndDropsCorruptFiles)
{
    TempDir dir;
    StoreOptions o;
    o.dir = dir.path.string();
    {
        Store s(o);
        ASSERT_FALSE(s.put(entry("http://a/", 100)));
        ASSERT_FALSE(s.put(entry("http://b/", 200)));
    }
    std::ofstream(dir.path / "0123456789abcdef.entry") << "garbage";
    std::ofstream(dir.path / ".layer7-tmp.1.2.x.entry") << "half-written";
    Store s(o);
    EXPECT_EQ(s.stats().loaded, 2u);
    auto a = s.find("GET http://a/\n");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->body->size(), 100u);
    EXPECT_TRUE(s.find("GET http://b/\n"));
    EXPECT_FALSE(std::filesystem::exists(dir.path / "0123456789abcdef.entry"));
    EXPECT_FALSE(std::filesystem::exists(dir.path / ".layer7-tmp.1.2.x.entry"));
}

TEST(Store, DiskLimitEvictsFiles)
{
    TempDir dir;
    StoreOptions o;
    o.dir = dir.path.string();
    o.max_bytes = 2 * entry("http://a/", 1000)->cost();
    o.max_memory = entry("http://a/", 1000)->cost();  // one hot entry in memory
    Store s(o);
    ASSERT_FALSE(s.put(entry("http://a/", 1000)));
    ASSERT_FALSE(s.put(entry("http://b/", 1000)));
    EXPECT_LE(s.stats().memory_bytes, o.max_memory);
    EXPECT_TRUE(s.find("GET http://a/\n"));  // from disk
    ASSERT_FALSE(s.put(entry("http://c/", 1000)));
    EXPECT_FALSE(s.find("GET http://b/\n"));
    EXPECT_FALSE(std::filesystem::exists(dir.path / entry_file_name("GET http://b/\n")));
    EXPECT_TRUE(std::filesystem::exists(dir.path / entry_file_name("GET http://c/\n")));
}
