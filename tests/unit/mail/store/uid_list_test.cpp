// The UID list codec, folder names, and a sync on a temp directory (UIDs kept, rebuilt if corrupt).
#include "mail/store/uid_list.hpp"

#include <gtest/gtest.h>
#include <stdio.h>

#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include "mail/store/folder_index.hpp"
#include "mail/store/folder_name.hpp"
#include "../../temp_dir.hpp"

namespace layer7::mail {
namespace {

TEST(UidList, RoundTripAndStrictDecode)
{
    UidList l{42, 5, 9, 1, {{1, "a", 0, 0, 3, "S"}, {4, "b", 0, 0, 9, ""}}, {}};
    EXPECT_EQ(encode_uid_list(l), "layer7-uidlist 3 42 5 9 1\n1 a 3 :S\n4 b 9 :\n");
    auto back = decode_uid_list(encode_uid_list(l));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->validity, 42u);
    EXPECT_EQ(back->next, 5u);
    EXPECT_EQ(back->highest_modseq, 9u);
    ASSERT_EQ(back->entries.size(), 2u);
    EXPECT_EQ(back->entries[1].unique, "b");
    EXPECT_EQ(back->entries[0].modseq, 3u);
    EXPECT_EQ(back->entries[0].flags, "S");
    EXPECT_EQ(back->entries[1].flags, "");
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9 1\n4 b 1 :\n1 a 1 :\n"));  // not ascending
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9 1\n5 b 1 :\n"));           // not below NEXT
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9 1\n1 a 1 :"));             // torn
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 0 5 9 1\n"));                     // zero validity
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 4 42 5 9 1\n"));                    // unknown version
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9 1 \n"));                   // trailing space
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9\n"));                      // no VANISHEDFLOOR
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 1 42 5 9\n"));                      // one field too many
}

TEST(UidList, AnyMaildirUniqueNameRoundTrips)
{
    // A unique part may hold any byte but '/', ',', ':' and NUL: other tools write spaces, and a
    // list that cannot carry one is rebuilt under a new UIDVALIDITY at every sync.
    for (std::string unique :
         {"1700000000.M1P1.has space", "tab\there", "new\nline", "100%", "%20", "a\x7f\x01", "\xc3\xa9t\xc3\xa9"}) {
        UidList l{42, 5, 9, 1, {{1, unique, 10, 12, 3, "S"}}, {}};
        auto back = decode_uid_list(encode_uid_list(l));
        ASSERT_TRUE(back) << encode_uid_list(l);
        ASSERT_EQ(back->entries.size(), 1u);
        EXPECT_EQ(back->entries[0].unique, unique);
        EXPECT_EQ(back->entries[0].wire_size, 12u);
    }
    EXPECT_EQ(encode_uid_list({42, 5, 9, 1, {{1, "a b%\x7f", 0, 0, 3, ""}}, {}}),
              "layer7-uidlist 3 42 5 9 1\n1 a%20b%25%7F 3 :\n");
    // One spelling per name: anything else is damage, and the list is rebuilt.
    for (const char* bad : {"a%2", "a%", "a%2a", "a%41", "a%2F", "a%00", "a\tb", "%2Fetc"})
        EXPECT_FALSE(decode_uid_list(std::string("layer7-uidlist 3 42 5 9 1\n1 ") + bad + " 3 :\n")) << bad;
    // A version 2 list (written before names were escaped) still reads, its names as they stand.
    auto old = decode_uid_list("layer7-uidlist 2 42 5 9 1\n1 100%25 3 :S\n");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->entries[0].unique, "100%25");
}

TEST(UidList, ModseqsAreCheckedAgainstTheHighest)
{
    EXPECT_TRUE(decode_uid_list("layer7-uidlist 2 42 5 9 1\n1 a 9 :FS\n"));
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 0 0\n"));            // RFC 7162: positive
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9 1\n1 a 10 :\n"));  // above the highest
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9 1\n1 a 0 :\n"));   // zero
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9 1\n1 a 1 S\n"));   // flags without ':'
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9 1\n1 a 1\n"));     // no flags
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9 1\n1 a :\n"));     // no modseq
    // 2^63 - 1 is the largest mod-sequence (RFC 7162 §7); 2^63 is refused.
    EXPECT_TRUE(decode_uid_list("layer7-uidlist 2 42 5 9223372036854775807 1\n"));
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 9223372036854775808 1\n"));
    EXPECT_EQ(list_flags("F S\x01R"), "FSR");  // nothing that could break a line
}

TEST(UidList, Version1ListsAreReadWithModseqsUnknown)
{
    auto old = decode_uid_list("layer7-uidlist 1 42 5\n1 a\n4 b 1000 1050\n");
    ASSERT_TRUE(old);
    EXPECT_EQ(old->validity, 42u);
    EXPECT_EQ(old->highest_modseq, 0u);
    ASSERT_EQ(old->entries.size(), 2u);
    EXPECT_EQ(old->entries[0].modseq, 0u);
    EXPECT_EQ(old->entries[1].wire_size, 1050u);
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 1 42 5\n1 a 1 :\n"));  // a version 2 line in version 1
}

TEST(UidList, ExpungedRangesRoundTripAndAnswerSince)
{
    UidList l{42, 10, 9, 2, {{1, "a", 0, 0, 3, ""}, {8, "b", 0, 0, 9, ""}}, {{2, 3, 4}, {5, 7, 6}, {9, 9, 9}}};
    const std::string text = encode_uid_list(l);
    EXPECT_EQ(text, "layer7-uidlist 3 42 10 9 2\n1 a 3 :\n8 b 9 :\n- 2 3 4\n- 5 7 6\n- 9 9 9\n");
    auto back = decode_uid_list(text);
    ASSERT_TRUE(back);
    ASSERT_EQ(back->vanished.size(), 3u);
    EXPECT_EQ(back->vanished[1].last, 7u);
    auto ranges = [](const std::vector<Vanished>& v) {
        std::string out;
        for (const auto& r : v)
            out += std::to_string(r.first) + ":" + std::to_string(r.last) + " ";
        return out;
    };
    EXPECT_EQ(ranges(vanished_since(*back, 9)), "");  // nothing since the highest
    EXPECT_EQ(ranges(vanished_since(*back, 6)), "9:9 ");
    EXPECT_EQ(ranges(vanished_since(*back, 3)), "2:3 5:7 9:9 ");
    EXPECT_EQ(ranges(vanished_since(*back, 2)), "2:3 5:7 9:9 ");  // the floor: still known
    EXPECT_EQ(ranges(vanished_since(*back, 1)), "2:7 9:9 ");      // forgotten: every UID not there
    l.vanished = {{2, 4, 5}, {3, 6, 5}};
    EXPECT_EQ(ranges(vanished_since(l, 4)), "2:6 ");                           // overlapping ranges told once
    for (const char* bad : {"layer7-uidlist 2 42 10 9 2\n- 2 3 4\n1 a 3 :\n",  // a message after a range
                            "layer7-uidlist 2 42 10 9 2\n- 3 2 4\n",           // first > last
                            "layer7-uidlist 2 42 10 9 2\n- 0 2 4\n",           // UID 0
                            "layer7-uidlist 2 42 10 9 2\n- 2 10 4\n",          // not below NEXT
                            "layer7-uidlist 2 42 10 9 2\n- 2 3 2\n",           // at the floor
                            "layer7-uidlist 2 42 10 9 2\n- 2 3 10\n",          // above the highest
                            "layer7-uidlist 2 42 10 9 2\n- 2 3 5\n- 4 4 4\n",  // modseqs descending
                            "layer7-uidlist 2 42 10 9 2\n- 2 3\n",             // no modseq
                            "layer7-uidlist 2 42 10 9 10\n",                   // floor above the highest
                            "layer7-uidlist 1 42 10\n- 2 3 4\n"})              // not in version 1
        EXPECT_FALSE(decode_uid_list(bad)) << bad;
}

TEST(UidList, SizesRideAlongWhenKnown)
{
    UidList l{42, 5, 1, 1, {{1, "a", 0, 0, 1, ""}, {4, "b", 1000, 1050, 1, "S"}}, {}};
    const std::string text = encode_uid_list(l);
    EXPECT_EQ(text, "layer7-uidlist 3 42 5 1 1\n1 a 1 :\n4 b 1 :S 1000 1050\n");
    auto back = decode_uid_list(text);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->entries[0].wire_size, 0u);
    EXPECT_EQ(back->entries[1].size, 1000u);
    EXPECT_EQ(back->entries[1].wire_size, 1050u);
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 1 1\n1 a 1 : 10\n"));    // one size
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 1 1\n1 a 1 : 10 9\n"));  // CRLF smaller than LF
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 1 1\n1 a 1 : 10 x\n"));
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 2 42 5 1 1\n1 a 1 : 10 12 3\n"));  // too many fields
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 1 42 5\n1 a 10\n"));               // version 1 too
    EXPECT_FALSE(decode_uid_list("layer7-uidlist 1 42 5\n1 a 10 12 3\n"));
}

TEST(FolderIndex, MailFromOtherToolsIsMeasuredOnceAndRemembered)
{
    test::TempDir dir;
    Maildir box(dir.path + "/box");
    ASSERT_FALSE(box.create());
    std::ofstream(dir.path + "/box/new/1700000000.M1P1.other") << "Subject: x\n\nbody\n";  // no S=/W=
    auto first = sync_folder(box);
    ASSERT_TRUE(first);
    ASSERT_EQ(first->messages.size(), 1u);
    EXPECT_EQ(first->messages[0].entry.size, 17u);
    EXPECT_EQ(first->messages[0].entry.wire_size, 20u);
    // the list says so now: the next sync takes the sizes from it without reading the file
    std::ifstream in(dir.path + "/box/layer7-uidlist");
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("1700000000.M1P1.other 2 : 17 20\n"), std::string::npos) << text;
    std::ofstream(dir.path + "/box/new/1700000000.M1P1.other") << "a file that changed under our feet";
    auto second = sync_folder(box);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->messages[0].entry.wire_size, 20u);
}

TEST(FolderIndex, UidsHoldWhileAnotherAgentRenamesFlags)
{
    // Another agent (Dovecot, mutt, a second layer7) renames files in cur/ to change flags while a
    // sync reads the directory: readdir may then miss a renamed file or return it twice. Neither
    // may cost the message its UID (a forgotten UID comes back as a new one: lost + duplicated).
    test::TempDir dir;
    Maildir box(dir.path + "/box");
    ASSERT_FALSE(box.create());
    constexpr std::size_t count = 100;
    for (std::size_t i = 0; i < count; ++i)
        ASSERT_TRUE(box.deliver("Subject: " + std::to_string(i) + "\n\nx\n"));
    auto first = sync_folder(box);
    ASSERT_TRUE(first);
    std::map<std::string, std::uint32_t> uids;
    for (const auto& m : first->messages)
        uids[m.entry.unique] = m.uid;
    auto entries = box.list();
    ASSERT_TRUE(entries);
    std::atomic<bool> stop{false};
    std::thread renamer([&] {  // new/ → cur/ (a flag change) and back, for ever
        for (int round = 0; !stop; ++round)
            for (auto& e : *entries) {
                if (stop)
                    return;
                if (e.folder == "new") {
                    if (box.set_flags(e, round % 4 == 0 ? "S" : "FS"))
                        return;
                    continue;
                }
                const std::string base = e.file.substr(0, e.file.find(":2,"));
                if (::rename((box.path() + "/cur/" + e.file).c_str(), (box.path() + "/new/" + base).c_str()) != 0)
                    return;
                e.folder = "new";
                e.file = base;
            }
    });
    std::string failure;
    for (int i = 0; i < 40 && failure.empty(); ++i) {
        auto state = sync_folder(box);
        if (!state || state->messages.size() != count)
            failure = "sync " + std::to_string(i) + ": " +
                      (state ? std::to_string(state->messages.size()) + " messages" : "failed");
        else
            for (const auto& m : state->messages)
                if (uids[m.entry.unique] != m.uid)
                    failure = "sync " + std::to_string(i) + ": UID " + std::to_string(uids[m.entry.unique]) +
                              " became " + std::to_string(m.uid);
    }
    stop = true;
    renamer.join();
    EXPECT_EQ(failure, "");
}

TEST(FolderName, StaysInsideTheUserDirectory)
{
    EXPECT_EQ(folder_directory("inbox"), "");
    EXPECT_EQ(folder_directory("Sent"), ".Sent");
    EXPECT_EQ(folder_directory("A.B"), ".A.B");
    for (const char* evil : {"..", "../x", "a/b", ".x", "x.", "a..b", "/etc", "a\\b", "%", "&Zm9v", "\x01"})
        EXPECT_FALSE(folder_directory(evil)) << evil;
    EXPECT_EQ(folder_directory("&ZeVnLIqe-"), ".&ZeVnLIqe-");
    EXPECT_EQ(special_use("Trash"), "\\Trash");
}

TEST(FolderIndex, UidsSurviveAndCorruptListGetsNewValidity)
{
    test::TempDir dir;
    Maildir box(dir.path + "/box");
    ASSERT_TRUE(box.deliver("Subject: 1\r\n\r\n1\r\n"));
    ASSERT_TRUE(box.deliver("Subject: 2\r\n\r\n2\r\n"));
    auto first = sync_folder(box);
    ASSERT_TRUE(first);
    ASSERT_EQ(first->messages.size(), 2u);
    EXPECT_EQ(first->messages[1].uid, 2u);
    auto entry = first->messages[0].entry;
    ASSERT_FALSE(box.remove(entry));
    ASSERT_TRUE(box.deliver("Subject: 3\r\n\r\n3\r\n"));
    auto second = sync_folder(box);
    ASSERT_TRUE(second);
    EXPECT_EQ(second->validity, first->validity);
    ASSERT_EQ(second->messages.size(), 2u);
    EXPECT_EQ(second->messages[0].uid, 2u);
    EXPECT_EQ(second->messages[1].uid, 3u);  // UIDs only grow
    std::ofstream(dir.path + "/box/layer7-uidlist") << "garbage";
    auto rebuilt = sync_folder(box);
    ASSERT_TRUE(rebuilt);
    EXPECT_NE(rebuilt->validity, first->validity);
    EXPECT_EQ(rebuilt->messages[0].uid, 1u);
}

}  // namespace
}  // namespace layer7::mail
