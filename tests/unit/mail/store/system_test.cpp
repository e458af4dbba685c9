// mail::System: one users load shared by every service, read again when the file changes or at
// SIGHUP (reload), logins per service's default domain, and the delivery notice.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>

#include "mail/store/system.hpp"
#include "../../temp_dir.hpp"

namespace layer7::mail {
namespace {

void write_file(const std::string& path, const std::string& text)
{
    std::ofstream(path, std::ios::trunc) << text;
}

std::string line(const std::string& name, const std::string& password, const std::string& attrs = "")
{
    return name + ":" + core::hash_password(password) + (attrs.empty() ? "" : ":" + attrs) + "\n";
}

// Puts back `before`'s modification time: the file then looks unchanged to a stat (same size,
// inode and mtime), as an edit within one timestamp tick would.
void restore_mtime(const std::string& path, const struct stat& before)
{
    const struct timespec times[2] = {before.st_atim, before.st_mtim};
    ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

TEST(System, ServicesShareOneLoadOfTheUsersFile)
{
    test::TempDir t;
    write_file(t.path + "/users", line("bob", "pw", "domain=hamburger.edu"));
    const auto system = std::make_shared<System>(t.path + "/users", t.path + "/mail");
    // What SMTP, POP3, IMAP and web mail each hold: the same object.
    const std::shared_ptr<const System> smtp = system, pop3 = system, imap = system;
    const auto first = smtp->users();
    EXPECT_EQ(pop3->users(), first);  // no second load
    EXPECT_EQ(imap->users(), first);
    EXPECT_EQ(&smtp->store(), &imap->store());
    EXPECT_EQ(system->store().root(), t.path + "/mail");
}

TEST(System, AUserAddedAndSighupIsSeenByEveryService)
{
    test::TempDir t;
    const std::string path = t.path + "/users";
    const std::string bob = line("bob", "pw", "domain=hamburger.edu");
    const std::string alice = line("alice", "pw", "domain=crepes.fr");
    // alice's line takes a comment's place: same size, so only SIGHUP reveals the edit.
    write_file(path, bob + "#" + std::string(alice.size() - 2, 'x') + "\n");
    auto system = std::make_shared<System>(path, t.path + "/mail");
    const auto before = system->users();
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    write_file(path, bob + alice);  // in place: same inode, same size
    restore_mtime(path, st);
    EXPECT_EQ(system->users(), before);
    EXPECT_FALSE(system->login("alice", "pw", "crepes.fr"));

    system->reload();  // what each service's SIGHUP hook calls
    const auto after = system->users();
    EXPECT_NE(after, before);
    // SMTP's RCPT check, POP3, IMAP and web mail logins (each with its own default domain).
    EXPECT_TRUE(after->accounts("crepes.fr").exists("crepes.fr", "alice"));
    EXPECT_TRUE(system->login("alice", "pw", "crepes.fr"));
    EXPECT_TRUE(system->login("alice@crepes.fr", "pw", "localhost"));
    EXPECT_TRUE(system->login("bob", "pw", "localhost"));
    EXPECT_EQ(system->users(), after);  // read once for all of them
}

TEST(System, AChangedFileIsReadAgainWithoutSighup)
{
    test::TempDir t;
    const std::string path = t.path + "/users";
    write_file(path, line("bob", "pw"));
    System system(path, t.path + "/mail");
    EXPECT_FALSE(system.login("carol", "pw", "localhost"));
    core::Users users = *core::Users::load(path);
    users.set({"carol", core::hash_password("pw"), {}});
    ASSERT_FALSE(users.save(path));  // `layer7 user add`: a new file renamed over the old one
    EXPECT_TRUE(system.login("carol", "pw", "localhost"));
}

TEST(System, LoginsUseTheCallersDefaultDomain)
{
    test::TempDir t;
    write_file(t.path + "/users", line("bob", "pw") + line("alice", "pw", "domain=Crepes.FR"));
    System system(t.path + "/users", t.path + "/mail");
    const auto account = system.login("bob", "pw", "hamburger.edu");
    ASSERT_TRUE(account);
    EXPECT_EQ(account->domain, "hamburger.edu");
    EXPECT_EQ(system.login("bob", "pw", "localhost")->domain, "localhost");
    EXPECT_EQ(system.login("alice@crepes.fr", "pw", "localhost")->domain, "crepes.fr");
    EXPECT_FALSE(system.login("bob@crepes.fr", "pw", "hamburger.edu"));
    EXPECT_FALSE(system.login("bob", "wrong", "hamburger.edu"));
    EXPECT_FALSE(system.login("nobody", "pw", "hamburger.edu"));
}

TEST(System, ABrokenFileKeepsTheLastGoodOne)
{
    test::TempDir t;
    const std::string path = t.path + "/users";
    write_file(path, line("bob", "pw"));
    System system(path, t.path + "/mail");
    ASSERT_TRUE(system.login("bob", "pw", "localhost"));
    write_file(path, "this line has no hash\n");
    system.reload();
    EXPECT_TRUE(system.login("bob", "pw", "localhost"));
}

TEST(System, DeliveryTellsTheListenersOfThatMailboxOnly)
{
    test::TempDir t;
    System system(t.path + "/users", t.path + "/mail");
    int bob = 0, alice = 0;
    auto bob_listens = system.listen("Hamburger.EDU", "bob", [&] { ++bob; });
    auto alice_listens = system.listen("crepes.fr", "alice", [&] { ++alice; });
    EXPECT_TRUE(bob_listens && alice_listens);  // handles a holder can test
    ASSERT_FALSE(system.deliver("hamburger.edu", "bob", "Subject: hi\r\n\r\nBob!\r\n"));
    EXPECT_EQ(bob, 1);
    EXPECT_EQ(alice, 0);
    auto box = system.store().mailbox("hamburger.edu", "bob");
    ASSERT_TRUE(box.ok());
    EXPECT_EQ(box->list()->size(), 1u);  // durable before the notice

    EXPECT_EQ(system.deliver("hamburger.edu", "..", "x"), std::errc::invalid_argument);
    EXPECT_EQ(bob, 1);  // a failed delivery tells nobody

    bob_listens.reset();
    ASSERT_FALSE(system.deliver("hamburger.edu", "bob", "Subject: again\r\n\r\n"));
    EXPECT_EQ(bob, 1);
}

}  // namespace
}  // namespace layer7::mail
