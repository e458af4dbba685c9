// Mod-sequences kept by the folder index (RFC 7162 CONDSTORE) on a temp directory: new mail and flag
// changes by anyone get a new one at the next sync, expunges raise the highest, update_flags()
// changes and numbers under the lock, values survive a reload, and older or lost lists restart sanely.
#include "mail/store/folder_index.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "mail/store/uid_list.hpp"
#include "../../temp_dir.hpp"

namespace layer7::mail {
namespace {

std::string read_text(const std::string& path)
{
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class FolderModseq : public ::testing::Test {
protected:
    FolderModseq() : box(dir.path + "/box")
    {
        for (int i = 0; i < 3; ++i)
            EXPECT_TRUE(box.deliver("Subject: " + std::to_string(i) + "\n\nx\n"));
    }
    FolderState sync()
    {
        auto state = sync_folder(box);
        EXPECT_TRUE(state);
        return state ? std::move(*state) : FolderState{};
    }
    test::TempDir dir;
    Maildir box;
};

TEST_F(FolderModseq, NewMailGetsOneValueAndAnUnchangedFolderKeepsIt)
{
    FolderState first = sync();
    ASSERT_EQ(first.messages.size(), 3u);
    EXPECT_GE(first.highest_modseq, 1u);
    for (const auto& m : first.messages)
        EXPECT_EQ(m.modseq, first.highest_modseq);  // found by one sync: one value
    FolderState again = sync();
    EXPECT_EQ(again.highest_modseq, first.highest_modseq);
    ASSERT_TRUE(box.deliver("Subject: late\n\nx\n"));  // as SMTP delivery does
    FolderState later = sync();
    ASSERT_EQ(later.messages.size(), 4u);
    EXPECT_EQ(later.highest_modseq, first.highest_modseq + 1);
    EXPECT_EQ(later.messages[3].modseq, later.highest_modseq);
    EXPECT_EQ(later.messages[0].modseq, first.messages[0].modseq);
}

TEST_F(FolderModseq, AFileRenamedByAnotherToolIsNoticedAtTheNextSync)
{
    FolderState first = sync();
    MaildirEntry entry = first.messages[1].entry;
    ASSERT_FALSE(box.set_flags(entry, "FS"));  // a Maildir tool (or POP3, or web mail) sets flags
    FolderState second = sync();
    EXPECT_EQ(second.highest_modseq, first.highest_modseq + 1);
    EXPECT_EQ(second.messages[1].modseq, second.highest_modseq);
    EXPECT_EQ(second.messages[1].entry.flags, "FS");
    EXPECT_EQ(second.messages[0].modseq, first.messages[0].modseq);
    // Moving new/ → cur/ with the same (no) flags is no change.
    MaildirEntry other = second.messages[2].entry;
    ASSERT_FALSE(box.set_flags(other, ""));
    EXPECT_EQ(sync().highest_modseq, second.highest_modseq);
}

TEST_F(FolderModseq, ExpungeRaisesTheHighestAndValuesSurviveAReload)
{
    FolderState first = sync();
    ASSERT_FALSE(box.remove(first.messages[0].entry));  // POP3 DELE + QUIT, IMAP EXPUNGE
    FolderState second = sync();
    ASSERT_EQ(second.messages.size(), 2u);
    EXPECT_EQ(second.highest_modseq, first.highest_modseq + 1);
    const std::string text = read_text(box.path() + "/layer7-uidlist");
    auto list = decode_uid_list(text);
    ASSERT_TRUE(list) << text;
    EXPECT_EQ(list->highest_modseq, second.highest_modseq);
    EXPECT_EQ(list->entries[0].modseq, second.messages[0].modseq);
}

TEST_F(FolderModseq, UpdateFlagsDecidesOnTheMessagesAsTheyAreNow)
{
    FolderState first = sync();
    MaildirEntry entry = first.messages[0].entry;
    ASSERT_FALSE(box.set_flags(entry, "F"));  // meanwhile, elsewhere
    std::vector<std::uint64_t> seen;
    auto after = update_flags(box, [&](const IndexedMessage& m) -> std::optional<std::string> {
        seen.push_back(m.modseq);
        if (m.uid == first.messages[0].uid)
            return std::nullopt;  // "modified since": left alone
        if (m.uid == first.messages[1].uid)
            return std::string("S");
        return m.entry.flags;  // the same flags: no change, no new value
    });
    ASSERT_TRUE(after);
    // The sync inside saw the other agent's change (one value), then this change got the next.
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0], first.highest_modseq + 1);
    EXPECT_EQ(after->highest_modseq, first.highest_modseq + 2);
    EXPECT_EQ(after->messages[1].modseq, after->highest_modseq);
    EXPECT_EQ(after->messages[1].entry.flags, "S");
    EXPECT_EQ(after->messages[2].modseq, first.messages[2].modseq);
    // Saved: a sync finds nothing new.
    FolderState again = sync();
    EXPECT_EQ(again.highest_modseq, after->highest_modseq);
    EXPECT_EQ(again.messages[1].modseq, after->messages[1].modseq);
    // Nothing to change: no new value, no write needed.
    auto none = update_flags(box, [](const IndexedMessage&) { return std::optional<std::string>(); });
    ASSERT_TRUE(none);
    EXPECT_EQ(none->highest_modseq, after->highest_modseq);
}

TEST_F(FolderModseq, AVersion1ListKeepsItsUidsAndStartsModseqsAtOne)
{
    FolderState first = sync();
    std::string v1 = "layer7-uidlist 1 " + std::to_string(first.validity) + " " + std::to_string(first.next) + "\n";
    for (const auto& m : first.messages)
        v1 += std::to_string(m.uid) + " " + m.entry.unique + "\n";
    std::ofstream(box.path() + "/layer7-uidlist", std::ios::trunc) << v1;
    FolderState upgraded = sync();
    EXPECT_EQ(upgraded.validity, first.validity);  // clients keep their caches
    EXPECT_EQ(upgraded.highest_modseq, 1u);
    for (std::size_t i = 0; i < upgraded.messages.size(); ++i) {
        EXPECT_EQ(upgraded.messages[i].uid, first.messages[i].uid);
        EXPECT_EQ(upgraded.messages[i].modseq, 1u);
    }
    EXPECT_EQ(read_text(box.path() + "/layer7-uidlist").rfind("layer7-uidlist 3 ", 0), 0u);
    MaildirEntry entry = upgraded.messages[2].entry;
    ASSERT_FALSE(box.set_flags(entry, "R"));
    EXPECT_EQ(sync().messages[2].modseq, 2u);
}

TEST_F(FolderModseq, AFileNameWithASpaceKeepsTheValidity)
{
    // Delivered by hand (or by a tool that puts spaces in names) into cur/.
    std::ofstream(box.path() + "/cur/1700000000.M1P1.by hand:2,S") << "Subject: spaced\n\nx\n";
    FolderState first = sync();
    ASSERT_EQ(first.messages.size(), 4u);
    FolderState second = sync();
    EXPECT_EQ(second.validity, first.validity);  // the list was read back, not rebuilt
    EXPECT_EQ(second.highest_modseq, first.highest_modseq);
    ASSERT_EQ(second.messages.size(), 4u);
    EXPECT_EQ(second.messages[0].entry.unique, "1700000000.M1P1.by hand");
    EXPECT_EQ(second.messages[0].uid, first.messages[0].uid);
}

TEST_F(FolderModseq, ALostListRestartsUnderANewValidity)
{
    FolderState first = sync();
    std::ofstream(box.path() + "/layer7-uidlist", std::ios::trunc) << "garbage";
    FolderState rebuilt = sync();
    EXPECT_NE(rebuilt.validity, first.validity);
    EXPECT_EQ(rebuilt.highest_modseq, 2u);  // 1 for the empty list, 2 for the mail found in it
    for (const auto& m : rebuilt.messages)
        EXPECT_EQ(m.modseq, 2u);
}

TEST_F(FolderModseq, FlagsInAnyOrderAreOneChange)
{
    FolderState first = sync();
    auto after = update_flags(box, [&](const IndexedMessage& m) -> std::optional<std::string> {
        return m.uid == first.messages[0].uid ? std::optional<std::string>("SFS") : std::nullopt;
    });
    ASSERT_TRUE(after);
    EXPECT_EQ(after->messages[0].entry.flags, "FS");  // as the file name holds them
    EXPECT_EQ(after->highest_modseq, first.highest_modseq + 1);
    EXPECT_EQ(sync().highest_modseq, after->highest_modseq);  // no second change seen
    auto again = update_flags(box, [&](const IndexedMessage& m) -> std::optional<std::string> {
        return m.uid == first.messages[0].uid ? std::optional<std::string>("SF") : std::nullopt;
    });
    ASSERT_TRUE(again);
    EXPECT_EQ(again->highest_modseq, after->highest_modseq);
}

TEST_F(FolderModseq, ExpungedUidsAreKeptWithTheirModseq)
{
    ASSERT_TRUE(box.deliver("Subject: 3\n\nx\n"));
    ASSERT_TRUE(box.deliver("Subject: 4\n\nx\n"));
    FolderState first = sync();  // UIDs 1..5
    ASSERT_EQ(first.messages.size(), 5u);
    ASSERT_FALSE(box.remove(first.messages[1].entry));
    ASSERT_FALSE(box.remove(first.messages[2].entry));
    FolderState second = sync();
    ASSERT_FALSE(box.remove(first.messages[4].entry));
    FolderState third = sync();
    auto since = [&](std::uint64_t modseq) {
        auto v = expunged_since(box, modseq);
        EXPECT_TRUE(v);
        std::string out;
        for (const auto& r : v ? *v : std::vector<Vanished>{})
            out += std::to_string(r.first) + ":" + std::to_string(r.last) + " ";
        return out;
    };
    EXPECT_EQ(since(first.highest_modseq), "2:3 5:5 ");
    EXPECT_EQ(since(second.highest_modseq), "5:5 ");
    EXPECT_EQ(since(third.highest_modseq), "");
    // Kept on disk: a reload answers the same.
    auto list = decode_uid_list(read_text(box.path() + "/layer7-uidlist"));
    ASSERT_TRUE(list);
    EXPECT_EQ(list->vanished.size(), 2u);
}

TEST_F(FolderModseq, OnlyTheLatestExpungesAreKept)
{
    FolderState first = sync();
    std::uint32_t last_uid = first.messages.back().uid;
    // One expunge per sync, max_vanished + 2 times: the oldest two are forgotten.
    for (std::size_t i = 0; i < max_vanished + 2; ++i) {
        ASSERT_TRUE(box.deliver("Subject: n\n\nx\n"));
        FolderState s = sync();
        last_uid = s.messages.back().uid;
        ASSERT_FALSE(box.remove(s.messages.front().entry));
    }
    FolderState now = sync();
    auto list = decode_uid_list(read_text(box.path() + "/layer7-uidlist"));
    ASSERT_TRUE(list);
    EXPECT_EQ(list->vanished.size(), max_vanished);
    EXPECT_GT(list->vanished_floor, first.highest_modseq);
    // Asked from before the floor: every UID not there (a superset), not a wrong subset.
    auto all = expunged_since(box, first.highest_modseq);
    ASSERT_TRUE(all);
    ASSERT_EQ(all->size(), 1u);
    EXPECT_EQ((*all)[0].first, 1u);
    EXPECT_EQ((*all)[0].last, now.messages.front().uid - 1);
    EXPECT_EQ(now.messages.back().uid, last_uid);
}

}  // namespace
}  // namespace layer7::mail
