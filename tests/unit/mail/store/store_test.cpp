// Store: DATA/mail/DOMAIN/USER/ Maildirs; deliver() as SMTP will call it; no path escapes.
#include <gtest/gtest.h>

#include <filesystem>

#include "mail/store/store.hpp"
#include "../../temp_dir.hpp"

namespace layer7::mail {
namespace {

TEST(Store, DeliverIntoDomainUserMaildir)
{
    test::TempDir t;
    Store store(t.path + "/mail");
    ASSERT_FALSE(store.deliver("Hamburger.EDU", "bob", "Subject: hi\r\n\r\nBob!\r\n"));
    const auto dir = t.path + "/mail/hamburger.edu/bob";
    EXPECT_TRUE(std::filesystem::is_directory(dir + "/cur"));
    EXPECT_TRUE(std::filesystem::is_directory(dir + "/tmp"));
    auto box = store.mailbox("hamburger.edu", "bob");
    ASSERT_TRUE(box.ok());
    EXPECT_EQ(box->path(), dir);
    auto list = box->list();
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 1u);
    EXPECT_EQ(*box->read(list->at(0)), "Subject: hi\n\nBob!\n");
}

TEST(Store, RefusesNamesThatLeaveTheRoot)
{
    test::TempDir t;
    Store store(t.path + "/mail");
    for (auto [domain, user] : std::vector<std::pair<std::string, std::string>>{{"..", "bob"},
                                                                                {"hamburger.edu", ".."},
                                                                                {"a/b", "bob"},
                                                                                {"hamburger.edu", "b/c"},
                                                                                {"", "bob"},
                                                                                {"hamburger.edu", ""},
                                                                                {".hidden", "bob"},
                                                                                {"hamburger.edu", "bob\n"}}) {
        EXPECT_EQ(store.deliver(domain, user, "x"), std::errc::invalid_argument) << domain << " " << user;
    }
    EXPECT_FALSE(std::filesystem::exists(t.path + "/mail"));
}

TEST(Store, SafePathComponent)
{
    EXPECT_TRUE(safe_path_component("bob"));
    EXPECT_TRUE(safe_path_component("b.o_b-1"));
    EXPECT_TRUE(safe_path_component(std::string(255, 'a')));   // limit
    EXPECT_FALSE(safe_path_component(std::string(256, 'a')));  // limit + 1
    EXPECT_FALSE(safe_path_component(".bob"));
    EXPECT_FALSE(safe_path_component("bob@x"));
}

}  // namespace
}  // namespace layer7::mail
