// Maildir on disk: durable delivery into new/, listing with sizes, flags in cur/, deletion, and
// files written by other tools (no ,S=/,W=).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "mail/store/maildir.hpp"
#include "mail/store/maildir_name.hpp"
#include "mail/store/store.hpp"
#include "../../temp_dir.hpp"

namespace layer7::mail {
namespace {

namespace fs = std::filesystem;

std::size_t files_in(const std::string& dir)
{
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(Maildir, CreateMakesTheThreeFolders)
{
    test::TempDir t;
    Maildir box(t.path + "/a/b/bob");
    ASSERT_FALSE(box.create());
    for (const char* sub : {"tmp", "new", "cur"}) {
        struct stat st {};
        ASSERT_EQ(::stat((box.path() + "/" + sub).c_str(), &st), 0) << sub;
        EXPECT_EQ(st.st_mode & 0777, 0700u) << sub;
    }
    EXPECT_FALSE(box.create());  // idempotent
}

TEST(Maildir, DeliverWritesNewWithSizesAndNoTemp)
{
    test::TempDir t;
    Maildir box(t.path + "/bob");
    const std::string message = "Subject: hi\r\n\r\nhello\r\n";
    auto name = box.deliver(message);
    ASSERT_TRUE(name.ok()) << name.error().message();
    EXPECT_EQ(files_in(box.path() + "/tmp"), 0u);
    ASSERT_EQ(files_in(box.path() + "/new"), 1u);
    auto parsed = parse_maildir_name(*name);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->size, 19u);       // stored with LF
    EXPECT_EQ(parsed->wire_size, 22u);  // sent with CRLF
    EXPECT_FALSE(parsed->has_info);     // new/ files carry no info (the spec)
    std::ifstream in(box.path() + "/new/" + *name, std::ios::binary);
    std::string stored((std::istreambuf_iterator<char>(in)), {});
    EXPECT_EQ(stored, "Subject: hi\n\nhello\n");
    struct stat st {};
    ASSERT_EQ(::stat((box.path() + "/new/" + *name).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(Maildir, DeliveriesGetUniqueNames)
{
    test::TempDir t;
    Maildir box(t.path + "/bob");
    std::set<std::string> names;
    for (int i = 0; i < 50; ++i) {
        auto name = box.deliver("Subject: " + std::to_string(i) + "\n\nx\n");
        ASSERT_TRUE(name.ok());
        names.insert(parse_maildir_name(*name)->unique);
    }
    EXPECT_EQ(names.size(), 50u);
    auto list = box.list();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 50u);
    // Oldest first: the same second's deliveries are ordered by unique name (Q counter).
    for (std::size_t i = 1; i < list->size(); ++i)
        EXPECT_LE(delivery_time((*list)[i - 1].unique), delivery_time((*list)[i].unique));
}

TEST(Maildir, DeliverFailsCleanlyWhereItCannotWrite)
{
    test::TempDir t;
    ASSERT_EQ(::chmod(t.path.c_str(), 0755), 0);
    ASSERT_EQ(::mkdir((t.path + "/ro").c_str(), 0555), 0);
    if (::geteuid() != 0) {
        Maildir box(t.path + "/ro/bob");
        EXPECT_FALSE(box.deliver("x").ok());
        return;
    }
    // Root ignores directory permissions (and CI runs as root): the delivery is tried in a child
    // that has dropped to nobody, and its exit status says how it went.
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (::setgid(65534) != 0 || ::setuid(65534) != 0)
            ::_exit(2);
        Maildir box(t.path + "/ro/bob");
        ::_exit(box.deliver("x").ok() ? 1 : 0);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: delivered where it could not write; 2: could not drop to nobody";
    EXPECT_FALSE(fs::exists(t.path + "/ro/bob"));
}

TEST(Maildir, ListReadFlagRemove)
{
    test::TempDir t;
    Maildir box(t.path + "/bob");
    ASSERT_TRUE(box.deliver("Subject: one\r\n\r\n1\r\n").ok());
    ASSERT_TRUE(box.deliver("Subject: two\r\n\r\n2\r\n").ok());
    auto list = box.list();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    MaildirEntry first = (*list)[0];
    EXPECT_EQ(first.folder, "new");
    EXPECT_EQ(first.wire_size, 19u);
    EXPECT_EQ(first.uid, uidl_of(first.unique));
    auto content = box.read(first);
    ASSERT_TRUE(content.ok());
    EXPECT_EQ(*content, "Subject: one\n\n1\n");

    ASSERT_FALSE(box.set_flags(first, "S"));
    EXPECT_EQ(first.folder, "cur");
    EXPECT_EQ(first.file.substr(first.file.size() - 4), ":2,S");
    EXPECT_TRUE(fs::exists(box.path() + "/cur/" + first.file));
    ASSERT_FALSE(box.set_flags(first, "ST"));  // again, from cur/
    EXPECT_EQ(first.file.substr(first.file.size() - 5), ":2,ST");

    list = box.list();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2u);
    EXPECT_EQ((*list)[0].unique, first.unique);  // the unique part (and UIDL) survives the move
    EXPECT_EQ((*list)[0].flags, "ST");

    ASSERT_FALSE(box.remove(first));
    EXPECT_FALSE(box.remove(first));  // already gone: not an error
    list = box.list();
    ASSERT_TRUE(list.ok());
    EXPECT_EQ(list->size(), 1u);
}

TEST(Maildir, FollowsAMessageAnotherAgentMoved)
{
    test::TempDir t;
    Maildir box(t.path + "/bob");
    ASSERT_TRUE(box.deliver("a\n").ok());
    MaildirEntry stale = box.list()->at(0);
    // mutt reads it: new/ → cur/ with ":2,S".
    fs::rename(box.path() + "/new/" + stale.file, box.path() + "/cur/" + stale.file + ":2,S");
    auto content = box.read(stale);
    ASSERT_TRUE(content.ok());
    EXPECT_EQ(*content, "a\n");
    ASSERT_FALSE(box.remove(stale));
    EXPECT_TRUE(box.list()->empty());
}

TEST(Maildir, RemovesManyAtOnce)
{
    test::TempDir t;
    Maildir box(t.path + "/bob");
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(box.deliver("m" + std::to_string(i) + "\n").ok());
    auto list = box.list();
    ASSERT_TRUE(list.ok());
    std::vector<MaildirEntry> e = *list;
    ASSERT_FALSE(box.set_flags(e[1], "S"));  // one in cur/, the others in new/
    MaildirEntry moved = e[2];               // one another agent moved since it was listed
    fs::rename(box.path() + "/new/" + moved.file, box.path() + "/cur/" + moved.file + ":2,T");
    ASSERT_FALSE(box.remove(e[3]));  // one already gone
    const auto results = box.remove({&e[1], &e[2], &e[3]});
    ASSERT_EQ(results.size(), 3u);
    for (const auto& ec : results)
        EXPECT_FALSE(ec) << ec.message();
    list = box.list();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].unique, e[0].unique);
    EXPECT_TRUE(box.remove(std::vector<const MaildirEntry*>{}).empty());
}

TEST(Maildir, MeasuresFilesFromOtherTools)
{
    test::TempDir t;
    Maildir box(t.path + "/bob");
    ASSERT_FALSE(box.create());
    std::ofstream(box.path() + "/cur/1600000000.12345_1.other:2,S") << "Subject: x\n\nbody\n";
    std::ofstream(box.path() + "/new/.hidden") << "ignored";
    auto list = box.list();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ((*list)[0].size, 17u);
    EXPECT_EQ((*list)[0].wire_size, 20u);
    EXPECT_EQ((*list)[0].flags, "S");
}

TEST(Maildir, ListOfAMissingMaildirIsEmpty)
{
    test::TempDir t;
    auto list = Maildir(t.path + "/never").list();
    ASSERT_TRUE(list.ok());
    EXPECT_TRUE(list->empty());
}

// Issue 20: a delivery killed between write and rename left tmp/ files for ever.
TEST(Maildir, StaleTemporariesGoAndLiveOnesStay)
{
    test::TempDir t;
    Maildir box(t.path + "/crepes.fr/alice");
    ASSERT_FALSE(box.create());
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const std::string tmp = box.path() + "/tmp/";
    const std::string dead = unique_name(1, 2, 4194305, 1, host);  // above any pid_max
    const std::string parent = unique_name(1, 2, static_cast<std::uint64_t>(::getppid()), 1, host);
    const std::string elsewhere = unique_name(1, 2, 4194305, 1, "other.host");
    const std::string old_foreign = "1.2.procmail";
    for (const auto& name : {dead, parent, elsewhere, old_foreign})
        std::ofstream(tmp + name) << "x";
    fs::last_write_time(tmp + old_foreign, fs::file_time_type::clock::now() - std::chrono::hours(37));
    EXPECT_EQ(box.remove_stale_temporaries(), 2u);
    EXPECT_FALSE(fs::exists(tmp + dead));
    EXPECT_FALSE(fs::exists(tmp + old_foreign));
    EXPECT_TRUE(fs::exists(tmp + parent));     // a live process may still rename it
    EXPECT_TRUE(fs::exists(tmp + elsewhere));  // another host's pid means nothing here
    std::ofstream(tmp + dead) << "x";
    EXPECT_EQ(Store(t.path).remove_stale_temporaries(), 1u);
}

}  // namespace
}  // namespace layer7::mail
