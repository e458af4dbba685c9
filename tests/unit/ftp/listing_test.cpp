// LIST lines (ls -l form), MLSD facts (RFC 3659 §7) and MDTM times (RFC 3659 §2.3).
#include <gtest/gtest.h>

#include "ftp/listing.hpp"

namespace layer7::ftp {
namespace {

constexpr std::int64_t now = 1710417600;  // 2024-03-14 12:00:00 UTC

TEST(FtpListing, RecentFileShowsTheTime)
{
    FileInfo f{"README.txt", false, 1234, now - 3600, 0644, 1};
    EXPECT_EQ(list_line(f, now), "-rw-r--r--    1 ftp      ftp              1234 Mar 14 11:00 README.txt");
}

TEST(FtpListing, OldFileAndDirectoryShowTheYear)
{
    FileInfo d{"pub", true, 4096, 946684800, 0755, 3};  // 2000-01-01
    EXPECT_EQ(list_line(d, now), "drwxr-xr-x    3 ftp      ftp              4096 Jan  1  2000 pub");
}

TEST(FtpListing, MlsdFacts)
{
    FileInfo f{"a b.txt", false, 12, now, 0640, 1};
    EXPECT_EQ(mlsd_line(f, false), "type=file;size=12;modify=20240314120000;perm=r;unix.mode=0640; a b.txt");
    EXPECT_EQ(mlsd_line(f, true), "type=file;size=12;modify=20240314120000;perm=adfrw;unix.mode=0640; a b.txt");
    FileInfo d{"pub", true, 4096, now, 0755, 2};
    EXPECT_EQ(mlsd_line(d, false), "type=dir;sizd=4096;modify=20240314120000;perm=el;unix.mode=0755; pub");
}

TEST(FtpListing, FormatsWholeListings)
{
    std::vector<FileInfo> files{{"a", false, 1, now, 0644, 1}, {"b", true, 2, now, 0755, 2}};
    EXPECT_EQ(format_listing(files, ListFormat::nlst, now, false), "a\r\nb\r\n");
    EXPECT_EQ(format_listing({}, ListFormat::list, now, false), "");
}

TEST(FtpListing, Timeval)
{
    EXPECT_EQ(timeval(0), "19700101000000");
    EXPECT_EQ(timeval(now), "20240314120000");
    EXPECT_EQ(timeval(951782400), "20000229000000");  // a leap day
    std::int64_t t = 0;
    ASSERT_TRUE(parse_timeval("20240314120000", t));
    EXPECT_EQ(t, now);
    ASSERT_TRUE(parse_timeval("20240314120000.123", t));
    EXPECT_EQ(t, now);
    EXPECT_FALSE(parse_timeval("2024031412000", t));
    EXPECT_FALSE(parse_timeval("20241314120000", t));
    EXPECT_FALSE(parse_timeval("20240314120000x", t));
}

}  // namespace
}  // namespace layer7::ftp
