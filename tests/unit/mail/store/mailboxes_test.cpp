// Mailboxes on a temp directory: the subscriptions file as Courier and Dovecot write it.
#include "mail/store/mailboxes.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "../../temp_dir.hpp"

namespace layer7::mail {
namespace {

void write(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::trunc) << text;
}

TEST(Mailboxes, ReadsDovecotsVersion2Subscriptions)
{
    // Dovecot 2.3 writes "V\t2", an empty line, then the levels of a name separated by tabs.
    test::TempDir dir;
    Mailboxes boxes(dir.path);
    write(dir.path + "/subscriptions", "V\t2\n\nINBOX\nArchive\t2023\nSent\n");
    EXPECT_EQ(boxes.subscriptions(), (std::vector<std::string>{"INBOX", "Archive.2023", "Sent"}));
    // Our next write keeps them (in the plain format, which Dovecot reads too).
    ASSERT_FALSE(boxes.subscribe("Trash", true));
    EXPECT_EQ(boxes.subscriptions(), (std::vector<std::string>{"INBOX", "Archive.2023", "Sent", "Trash"}));
    ASSERT_FALSE(boxes.subscribe("Archive.2023", false));
    EXPECT_EQ(boxes.subscriptions(), (std::vector<std::string>{"INBOX", "Sent", "Trash"}));
}

TEST(Mailboxes, ReadsThePlainFormat)
{
    test::TempDir dir;
    Mailboxes boxes(dir.path);
    write(dir.path + "/subscriptions", "INBOX\nA.B\n\nbad/name\nA.B\n");
    EXPECT_EQ(boxes.subscriptions(), (std::vector<std::string>{"INBOX", "A.B"}));
}

}  // namespace
}  // namespace layer7::mail
