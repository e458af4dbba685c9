// The spool's streamed writes: a message appended piece by piece is queued only at commit() and
// reads back whole; one dropped before commit() leaves no file; read_content() sees what was written.
#include "mail/queue/spool.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "../../temp_dir.hpp"

namespace layer7::mail {
namespace {

// Every file in DIR/incoming, temp files too.
std::vector<std::string> incoming_files(const std::string& dir)
{
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir + "/incoming"))
        names.push_back(entry.path().filename().string());
    return names;
}

Envelope sample()
{
    Envelope e;
    e.helo = "crepes.fr";
    e.mail_from = "alice@crepes.fr";
    e.rcpt_to = {"bob@hamburger.edu", "carol@hamburger.edu"};
    e.client_address = "127.0.0.1";
    e.protocol = "ESMTP";
    e.tls = true;
    return e;
}

TEST(Spool, AMessageWrittenInPiecesIsQueuedAtCommitAndReadsBackWhole)
{
    test::TempDir dir;
    Spool spool(dir.path + "/queue");
    auto incoming = spool.open(sample(), 1234);
    ASSERT_TRUE(incoming);
    Incoming& message = **incoming;
    std::string content;
    for (int i = 0; i < 100; ++i) {
        const std::string piece = "line " + std::to_string(i) + "\r\n";
        ASSERT_FALSE(message.append(piece));
        content += piece;
    }
    EXPECT_TRUE(spool.scan()->empty());  // not queued before the commit
    ASSERT_EQ(message.read_content().value(), content);
    ASSERT_FALSE(message.commit());
    EXPECT_EQ(*spool.scan(), std::vector<std::string>{message.id()});
    auto back = spool.load(message.id());
    ASSERT_TRUE(back);
    EXPECT_EQ(back->content, content);
    EXPECT_EQ(back->arrival, 1234);
    EXPECT_EQ(back->envelope.rcpt_to, sample().rcpt_to);
    EXPECT_TRUE(back->envelope.tls);
    EXPECT_TRUE(message.commit());  // once only
}

TEST(Spool, AMessageDroppedBeforeCommitLeavesNoFile)
{
    test::TempDir dir;
    Spool spool(dir.path + "/queue");
    {
        auto incoming = spool.open(sample(), 1);
        ASSERT_TRUE(incoming);
        ASSERT_FALSE((*incoming)->append(std::string(100000, 'x')));
        EXPECT_EQ(incoming_files(spool.dir()).size(), 1u);  // its temp file
    }
    EXPECT_TRUE(incoming_files(spool.dir()).empty());
}

TEST(Spool, StoreIsOpenAppendCommit)
{
    test::TempDir dir;
    Spool spool(dir.path + "/queue");
    auto id = spool.store(sample(), "Subject: hi\r\n\r\n", 7);
    ASSERT_TRUE(id);
    EXPECT_EQ(spool.load(*id)->content, "Subject: hi\r\n\r\n");
    EXPECT_EQ(incoming_files(spool.dir()), std::vector<std::string>{*id});
}

}  // namespace
}  // namespace layer7::mail
