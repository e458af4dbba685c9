// Folder names for the web: shown decoded, typed names encoded and checked, the fixed folders.
#include "mail/web/folders.hpp"

#include <gtest/gtest.h>

namespace layer7::mail::web {
namespace {

std::string typed(std::string_view text)
{
    auto name = folder_name_from_input(text);
    return name ? *name : "error: " + name.error();
}

TEST(FolderLabel, DecodedOrAsStored)
{
    EXPECT_EQ(folder_label("Re&AOc-us"), "Reçus");
    EXPECT_EQ(folder_label("Work.&ZeVnLIqe-"), "Work.日本語");
    EXPECT_EQ(folder_label("R&-D"), "R&D");
    EXPECT_EQ(folder_label("inbox"), "INBOX");
    EXPECT_EQ(folder_label("Bad&AGE-"), "Bad&AGE-");  // not valid modified UTF-7: shown as it is
}

TEST(FixedFolder, InboxAndSpecialUse)
{
    for (std::string_view name : {"INBOX", "Inbox", "Drafts", "Sent", "Trash", "Junk"})
        EXPECT_TRUE(fixed_folder(name)) << name;
    for (std::string_view name : {"Work", "Sent.2023", "drafts", "Archive"})
        EXPECT_FALSE(fixed_folder(name)) << name;
}

TEST(FolderNameFromInput, EncodesAndTrims)
{
    EXPECT_EQ(typed("  Reçus 2024 "), "Re&AOc-us 2024");
    EXPECT_EQ(typed("R&D"), "R&-D");
    EXPECT_EQ(typed("Work.Projects"), "Work.Projects");
    EXPECT_EQ(typed("日本語"), "&ZeVnLIqe-");
}

TEST(FolderNameFromInput, RefusesWhatCannotBeAFolder)
{
    for (std::string_view bad : {"", "   ", "inbox", "INBOX", "a/b", "..", "../x", ".hidden", "x.", "a..b", "a\\b",
                                 "50%", "all*", "tab\there", "nul\x01", "\xff\xfe"})
        EXPECT_TRUE(typed(bad).starts_with("error: ")) << bad;
    // the length limit (max_folder_name) applies to the stored form: limit, limit + 1, and 100
    // characters that take 269 bytes in modified UTF-7
    EXPECT_EQ(typed(std::string(200, 'a')), std::string(200, 'a'));
    EXPECT_TRUE(typed(std::string(201, 'a')).starts_with("error: "));
    std::string accents;
    for (int i = 0; i < 100; ++i)
        accents += "é";
    EXPECT_TRUE(typed(accents).starts_with("error: "));
}

}  // namespace
}  // namespace layer7::mail::web
