// Leftover temporaries (issue 20: an interrupted FTP upload left its hidden file for ever).
#include "core/fs/temporaries.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "core/fs/beneath.hpp"

namespace layer7::core {
namespace {

namespace fs = std::filesystem;

// Above the kernel's largest pid_max (2^22): never a running process.
const std::string dead = ".layer7-tmp.4194305.0.";

TEST(Temporaries, OwnerIsThePidInTheName)
{
    EXPECT_EQ(temporary_owner(".layer7-tmp.123.4.file.txt"), 123);
    EXPECT_EQ(temporary_owner(dead + "x"), 4194305);
    EXPECT_FALSE(temporary_owner("file.txt"));
    EXPECT_FALSE(temporary_owner(".layer7-tmp..4.file"));
    EXPECT_FALSE(temporary_owner(".layer7-tmp.12a.4.file"));
    EXPECT_FALSE(temporary_owner(".layer7-tmp.1234567890.4.file"));
}

class TemporariesTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        base = fs::temp_directory_path() / ("temporaries-" + std::to_string(::getpid()));
        fs::remove_all(base);
        fs::create_directories(base / "sub");
    }
    void TearDown() override { fs::remove_all(base); }
    void touch(const fs::path& p) { std::ofstream(p) << "x"; }
    fs::path base;
};

TEST_F(TemporariesTest, RemovesOnlyTheTemporariesOfWritersThatAreGone)
{
    touch(base / (dead + "upload.bin"));
    touch(base / "sub" / (dead + "deep.bin"));
    touch(base / "keep.txt");
    touch(base / ".layer7-tmp.notapid.0.x");
    // One being written right now by this process, and one by another live process (our parent).
    Root root(base.string());
    auto [ec, mine] = root.create_temp("sub/mine.bin");
    ASSERT_FALSE(ec);
    const std::string parents = ".layer7-tmp." + std::to_string(::getppid()) + ".0.other.bin";
    touch(base / parents);

    EXPECT_EQ(remove_stale_temporaries(base.string(), false), 1u);
    EXPECT_FALSE(fs::exists(base / (dead + "upload.bin")));
    EXPECT_TRUE(fs::exists(base / "sub" / (dead + "deep.bin")));
    EXPECT_EQ(remove_stale_temporaries(base.string(), true), 1u);
    EXPECT_FALSE(fs::exists(base / "sub" / (dead + "deep.bin")));
    EXPECT_TRUE(fs::exists(base / "keep.txt"));
    EXPECT_TRUE(fs::exists(base / ".layer7-tmp.notapid.0.x"));
    EXPECT_TRUE(fs::exists(base / parents));
    EXPECT_TRUE(fs::exists(base / "sub" / mine.temp_name));
    EXPECT_FALSE(root.commit(mine));
}

TEST_F(TemporariesTest, AMissingDirectoryIsNothingToDo)
{
    EXPECT_EQ(remove_stale_temporaries((base / "nope").string(), true), 0u);
}

}  // namespace
}  // namespace layer7::core
