#include "core/users/users.hpp"

#include <gtest/gtest.h>

#include <filesystem>

namespace layer7::core {
namespace {

TEST(Users, HashAndCheck)
{
    const std::string h = hash_password("s3cret");
    EXPECT_TRUE(h.starts_with("$y$"));
    EXPECT_TRUE(check_password("s3cret", h));
    EXPECT_FALSE(check_password("s3cret ", h));
    EXPECT_FALSE(check_password("", h));
    EXPECT_NE(hash_password("s3cret"), h);  // fresh salt each time
}

TEST(Users, ParseWithAttributesAndComments)
{
    auto users = Users::parse("# mail users\n\nalice:$6$x$y\nbob:$y$a$b:root=/srv/bob,write=yes\n", "u");
    ASSERT_TRUE(users.ok()) << users.error();
    ASSERT_EQ(users->all().size(), 2u);
    const User* bob = users->find("bob");
    ASSERT_TRUE(bob);
    EXPECT_EQ(bob->attrs.at("root"), "/srv/bob");
    EXPECT_EQ(bob->attrs.at("write"), "yes");
    EXPECT_EQ(users->to_text(), "alice:$6$x$y\nbob:$y$a$b:root=/srv/bob,write=yes\n");
}

TEST(Users, ErrorsNameTheLine)
{
    EXPECT_EQ(Users::parse("alice:h\nnocolon\n", "f").error(), "f:2: expected name:hash");
    EXPECT_EQ(Users::parse("a:h\na:h\n", "f").error(), "f:2: duplicate user a");
    EXPECT_EQ(Users::parse("bad name:h\n", "f").error(), "f:1: bad user name 'bad name'");
    EXPECT_EQ(Users::parse("a:\n", "f").error(), "f:1: empty password hash for a");
    EXPECT_EQ(Users::parse("a:h:oops\n", "f").error(), "f:1: expected key=value in attributes");
}

TEST(Users, VerifyAndEditAndSaveAtomically)
{
    Users users;
    users.set({"alice", hash_password("pw1"), {}});
    EXPECT_TRUE(users.verify("alice", "pw1"));
    EXPECT_FALSE(users.verify("alice", "pw2"));
    EXPECT_FALSE(users.verify("mallory", "pw1"));
    users.set({"alice", hash_password("pw2"), {}});
    EXPECT_TRUE(users.verify("alice", "pw2"));
    const auto path = (std::filesystem::temp_directory_path() / ("users-" + std::to_string(::getpid()))).string();
    ASSERT_FALSE(users.save(path));
    auto loaded = Users::load(path);
    ASSERT_TRUE(loaded.ok());
    EXPECT_TRUE(loaded->verify("alice", "pw2"));
    EXPECT_TRUE(loaded->remove("alice"));
    EXPECT_FALSE(loaded->remove("alice"));
    std::filesystem::remove(path);
    EXPECT_TRUE(Users::load(path)->all().empty());  // a missing file is no users
}

TEST(Users, NameRules)
{
    EXPECT_TRUE(valid_user_name("alice.b-c_1"));
    EXPECT_FALSE(valid_user_name(""));
    EXPECT_FALSE(valid_user_name(std::string(65, 'a')));
    EXPECT_TRUE(valid_user_name(std::string(64, 'a')));
    EXPECT_FALSE(valid_user_name("a:b"));
    EXPECT_FALSE(valid_user_name("a/b"));
}

}  // namespace
}  // namespace layer7::core
