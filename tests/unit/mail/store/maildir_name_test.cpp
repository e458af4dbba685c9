// Maildir names: the spec's unique names, Dovecot's ,S=/,W= fields, ":2," flags as mutt writes them.
#include <gtest/gtest.h>

#include "mail/store/maildir_name.hpp"

namespace layer7::mail {
namespace {

TEST(MaildirName, UniqueNameFollowsTheSpec)
{
    EXPECT_EQ(unique_name(1700000000, 123456, 4242, 7, "mail.hamburger.edu"),
              "1700000000.M123456P4242Q7.mail.hamburger.edu");
    // '/' and ':' in the host are escaped (cr.yp.to/proto/maildir.html); ',' too (Dovecot fields).
    EXPECT_EQ(unique_name(1, 2, 3, 4, "a/b:c,d"), "1.M2P3Q4.a\\057b\\072c\\054d");
}

TEST(MaildirName, ParsesPlainNewMessage)
{
    auto n = parse_maildir_name("1700000000.M1P2Q3.host");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->unique, "1700000000.M1P2Q3.host");
    EXPECT_FALSE(n->size);
    EXPECT_FALSE(n->has_info);
    EXPECT_EQ(n->flags, "");
}

TEST(MaildirName, ParsesDovecotSizesAndFlags)
{
    auto n = parse_maildir_name("1035478339.27041_118.foo.org,S=1000,W=1030:2,RS");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->unique, "1035478339.27041_118.foo.org");
    EXPECT_EQ(n->size, 1000u);
    EXPECT_EQ(n->wire_size, 1030u);
    EXPECT_TRUE(n->has_info);
    EXPECT_EQ(n->flags, "RS");
}

TEST(MaildirName, FlagsAreSortedAndDeduplicated)
{
    auto n = parse_maildir_name("x:2,TSRS");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->flags, "RST");
    EXPECT_EQ(add_flag("T", flag::seen), "ST");
    EXPECT_EQ(add_flag("S", flag::seen), "S");
    EXPECT_EQ(add_flag("", flag::draft), "D");
}

TEST(MaildirName, IgnoresUnknownFieldsAndExperimentalInfo)
{
    auto n = parse_maildir_name("x,S=abc,Z=9:1,whatever");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->unique, "x");
    EXPECT_FALSE(n->size);
    EXPECT_FALSE(n->has_info);
}

TEST(MaildirName, RefusesNamesNoToolWrites)
{
    EXPECT_FALSE(parse_maildir_name(""));
    EXPECT_FALSE(parse_maildir_name("."));
    EXPECT_FALSE(parse_maildir_name(".."));
    EXPECT_FALSE(parse_maildir_name(".hidden"));
    EXPECT_FALSE(parse_maildir_name("a/b"));
    EXPECT_FALSE(parse_maildir_name(",S=1"));
    EXPECT_FALSE(parse_maildir_name(":2,S"));
}

TEST(MaildirName, FormatRoundTrips)
{
    for (std::string name : {"1.M2P3Q4.h", "1.M2P3Q4.h,S=10,W=12", "1.M2P3Q4.h,S=10,W=12:2,S", "u:2,", "u:2,DFPRST"}) {
        auto parsed = parse_maildir_name(name);
        ASSERT_TRUE(parsed) << name;
        EXPECT_EQ(format_maildir_name(*parsed), name);
    }
    MaildirName n{"u", 5, std::nullopt, true, "TS"};
    EXPECT_EQ(format_maildir_name(n), "u,S=5:2,ST");
}

TEST(MaildirName, UidlFitsRfc1939)
{
    EXPECT_EQ(uidl_of("1700000000.M1P2Q3.host"), "1700000000.M1P2Q3.host");
    const std::string seventy(70, 'a');
    EXPECT_EQ(uidl_of(seventy), seventy);                      // limit
    const std::string hashed = uidl_of(std::string(71, 'a'));  // limit + 1
    EXPECT_EQ(hashed.size(), 17u);
    EXPECT_EQ(hashed[0], 'x');
    EXPECT_NE(uidl_of(std::string(71, 'a')), uidl_of(std::string(71, 'b')));
    EXPECT_EQ(uidl_of("with space").size(), 17u);  // 0x20 is not allowed in a unique-id
}

TEST(MaildirName, DeliveryTime)
{
    EXPECT_EQ(delivery_time("1700000000.M1P2Q3.host"), 1700000000000001u);
    EXPECT_EQ(delivery_time("1700000000.P2Q3.host"), 1700000000000000u);  // no microseconds part
    EXPECT_EQ(delivery_time("garbage"), 0u);
    // Other tools do not zero-pad the microseconds: the order is by number, not by text.
    EXPECT_LT(delivery_time("1700000000.M99999P7Q1.host"), delivery_time("1700000000.M100001P7Q2.host"));
}

}  // namespace
}  // namespace layer7::mail
