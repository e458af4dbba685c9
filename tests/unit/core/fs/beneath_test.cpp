#include "core/fs/beneath.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace layer7::core {
namespace {

namespace fs = std::filesystem;

class RootTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        base = fs::temp_directory_path() / ("beneath-" + std::to_string(::getpid()));
        fs::remove_all(base);
        fs::create_directories(base / "www" / "sub");
        fs::create_directories(base / "outside");
        std::ofstream(base / "www" / "index.html") << "hello";
        std::ofstream(base / "outside" / "secret") << "secret";
        fs::create_symlink("../outside/secret", base / "www" / "leak");
        fs::create_symlink("index.html", base / "www" / "alias");
        fs::create_symlink("/etc/passwd", base / "www" / "abs");
    }
    void TearDown() override { fs::remove_all(base); }
    fs::path base;
};

TEST_F(RootTest, OpensInsideAndFollowsInsideLinks)
{
    Root root((base / "www").string());
    int fd = root.open("index.html", O_RDONLY);
    ASSERT_GE(fd, 0);
    ::close(fd);
    fd = root.open("/alias", O_RDONLY);
    ASSERT_GE(fd, 0);
    ::close(fd);
    fd = root.open("sub/../index.html", O_RDONLY);  // ".." that stays inside is fine
    ASSERT_GE(fd, 0);
    ::close(fd);
    struct stat st {};
    EXPECT_FALSE(root.stat("", st));
    EXPECT_TRUE(S_ISDIR(st.st_mode));
}

TEST_F(RootTest, RefusesEveryEscape)
{
    Root root((base / "www").string());
    for (const char* path : {"../outside/secret", "leak", "abs", "sub/../../outside/secret", "..", "/../outside"})
        EXPECT_LT(root.open(path, O_RDONLY), 0) << path;
    EXPECT_EQ(root.open("missing", O_RDONLY), -ENOENT);
}

TEST_F(RootTest, ReplaceIsAtomicAndLeavesNoTemp)
{
    Root root((base / "www").string());
    auto ec = root.replace("sub/new.txt", [](int fd) { return ::write(fd, "abc", 3) == 3; });
    ASSERT_FALSE(ec) << ec.message();
    std::ifstream in(base / "www" / "sub" / "new.txt");
    std::string content;
    in >> content;
    EXPECT_EQ(content, "abc");
    ec = root.replace("sub/new.txt", [](int) { return false; });  // a failed upload…
    EXPECT_TRUE(ec);
    std::ifstream again(base / "www" / "sub" / "new.txt");
    again >> content;
    EXPECT_EQ(content, "abc");  // …never replaces the good file
    EXPECT_EQ(std::distance(fs::directory_iterator(base / "www" / "sub"), fs::directory_iterator{}), 1);
    EXPECT_TRUE(root.replace("../outside/x", [](int) { return true; }));
    EXPECT_FALSE(fs::exists(base / "outside" / "x"));
}

TEST_F(RootTest, RemoveMkdirRenameStayInside)
{
    Root root((base / "www").string());
    EXPECT_FALSE(root.make_directory("d"));
    EXPECT_FALSE(root.rename("index.html", "d/moved.html"));
    EXPECT_TRUE(fs::exists(base / "www" / "d" / "moved.html"));
    EXPECT_FALSE(root.remove("d/moved.html", false));
    EXPECT_FALSE(root.remove("d", true));
    EXPECT_TRUE(root.remove("../outside/secret", false));
    EXPECT_TRUE(fs::exists(base / "outside" / "secret"));
    EXPECT_TRUE(root.rename("alias", "../outside/stolen"));
}

}  // namespace
}  // namespace layer7::core
