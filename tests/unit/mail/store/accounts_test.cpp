// Domain → users from the users file: logins "bob" and "bob@hamburger.edu".
#include <gtest/gtest.h>

#include "mail/store/accounts.hpp"

namespace layer7::mail {
namespace {

core::Users users()
{
    auto u = core::Users::parse(
        "bob:$y$x:domain=hamburger.edu\n"
        "alice:$y$x:domain=Crepes.FR\n"
        "root:$y$x\n",
        "users");
    EXPECT_TRUE(u.ok());
    return *u;
}

TEST(Accounts, LoginByNameOrAddress)
{
    const Accounts a(users(), "localhost");
    auto bob = a.find_login("bob");
    ASSERT_TRUE(bob);
    EXPECT_EQ(bob->domain, "hamburger.edu");
    EXPECT_EQ(bob->user, "bob");
    ASSERT_TRUE(a.find_login("bob@hamburger.edu"));
    ASSERT_TRUE(a.find_login("bob@HAMBURGER.edu"));
    EXPECT_FALSE(a.find_login("bob@crepes.fr"));
    EXPECT_FALSE(a.find_login("Bob"));  // user names are case-sensitive, as in the users file
    EXPECT_FALSE(a.find_login("nobody"));
    EXPECT_FALSE(a.find_login(""));
    EXPECT_FALSE(a.find_login("@hamburger.edu"));
}

TEST(Accounts, DefaultDomain)
{
    const Accounts a(users(), "Example.ORG");
    auto root = a.find_login("root@example.org");
    ASSERT_TRUE(root);
    EXPECT_EQ(root->domain, "example.org");
}

TEST(Accounts, DomainsAndExistence)
{
    const Accounts a(users(), "localhost");
    EXPECT_EQ(a.domains(), (std::vector<std::string>{"crepes.fr", "hamburger.edu", "localhost"}));
    EXPECT_EQ(a.users_of("CREPES.fr"), std::vector<std::string>{"alice"});
    EXPECT_TRUE(a.exists("hamburger.edu", "bob"));
    EXPECT_FALSE(a.exists("crepes.fr", "bob"));
    EXPECT_TRUE(a.users_of("nowhere").empty());
}

}  // namespace
}  // namespace layer7::mail
