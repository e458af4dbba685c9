// Tests for mail/message/address: RFC 5322 Appendix A examples, RFC 5321 §4.1.2 paths.
#include "mail/message/address.hpp"

#include <gtest/gtest.h>

namespace layer7::mail {
namespace {

std::vector<Mailbox> boxes(std::string_view text)
{
    auto list = parse_address_list(text);
    EXPECT_TRUE(list) << text;
    return list ? flatten(*list) : std::vector<Mailbox>{};
}

TEST(Address, AppendixA1Simple)
{
    auto from = parse_mailbox("John Doe <jdoe@machine.example>");
    ASSERT_TRUE(from);
    EXPECT_EQ(from->display_name, "John Doe");
    EXPECT_EQ(from->address(), "jdoe@machine.example");
}

TEST(Address, AppendixA12DifferentTypes)
{
    auto to = boxes("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>");
    ASSERT_EQ(to.size(), 3u);
    EXPECT_EQ(to[1].display_name, "");
    EXPECT_EQ(to[1].address(), "jdoe@example.org");
    EXPECT_EQ(to[2].display_name, "Who?");
    auto cc = boxes("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>");
    ASSERT_EQ(cc.size(), 2u);
    EXPECT_EQ(cc[1].display_name, "Giant; \"Big\" Box");
    auto quoted = parse_mailbox("\"Joe Q. Public\" <john.q.public@example.com>");
    ASSERT_TRUE(quoted);
    EXPECT_EQ(quoted->display_name, "Joe Q. Public");
}

TEST(Address, AppendixA13Groups)
{
    auto list = parse_address_list("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1u);
    EXPECT_TRUE((*list)[0].is_group);
    EXPECT_EQ((*list)[0].group_name, "A Group");
    EXPECT_EQ((*list)[0].mailboxes.size(), 3u);
    auto empty = parse_address_list("Undisclosed recipients:;");
    ASSERT_TRUE(empty);
    EXPECT_TRUE((*empty)[0].is_group);
    EXPECT_TRUE((*empty)[0].mailboxes.empty());
}

TEST(Address, AppendixA6ObsoleteAndComments)
{
    auto pete = parse_mailbox("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>");
    ASSERT_TRUE(pete);
    EXPECT_EQ(pete->display_name, "Pete");
    EXPECT_EQ(pete->address(), "pete@silly.test");
    auto group = boxes(
        "A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n"
        "         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)");
    ASSERT_EQ(group.size(), 3u);
    EXPECT_EQ(group[0].address(), "c@public.example");
    auto obs = boxes("Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example");
    ASSERT_EQ(obs.size(), 2u);
    EXPECT_EQ(obs[0].address(), "mary@example.net");
    EXPECT_EQ(obs[1].address(), "jdoe@test.example");
    auto dotted = parse_mailbox("Joe Q. Public <john.q.public@example.com>");
    ASSERT_TRUE(dotted);
    EXPECT_EQ(dotted->display_name, "Joe Q. Public");
}

TEST(Address, QuotedLocalPartAndLiteral)
{
    auto box = parse_mailbox("\"john doe\"@[192.0.2.1]");
    ASSERT_TRUE(box);
    EXPECT_EQ(box->local_part, "john doe");
    EXPECT_EQ(box->domain, "[192.0.2.1]");
    EXPECT_EQ(box->address(), "\"john doe\"@[192.0.2.1]");
}

TEST(Address, EncodedAndUtf8DisplayNames)
{
    auto box = parse_mailbox("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>");
    ASSERT_TRUE(box);
    EXPECT_EQ(box->display_name, "Andr\xc3\xa9 Pirard");
    auto utf8 = parse_mailbox(
        "J\xc3\xb6rg <j\xc3\xb6rg@b\xc3\xbc"
        "cher.example>");  // RFC 6532
    ASSERT_TRUE(utf8);
    EXPECT_EQ(utf8->local_part, "j\xc3\xb6rg");
}

TEST(Address, Errors)
{
    EXPECT_EQ(parse_address_list("a@b, (open").error(), AddressError::unterminated_comment);
    EXPECT_EQ(parse_address_list("\"open@b").error(), AddressError::unterminated_quote);
    EXPECT_EQ(parse_address_list("just-a-name").error(), AddressError::missing_at);
    EXPECT_EQ(parse_address_list("a@").error(), AddressError::bad_domain);
    EXPECT_EQ(parse_address_list("a@b.").error(), AddressError::bad_domain);
    EXPECT_EQ(parse_address_list("Name <a@b").error(), AddressError::unterminated_literal);
    EXPECT_EQ(parse_address_list("a@b c@d").error(), AddressError::syntax);
    EXPECT_FALSE(parse_mailbox("a@b, c@d"));
    EXPECT_FALSE(parse_mailbox("G:;"));
    auto empty = parse_address_list("");
    ASSERT_TRUE(empty);
    EXPECT_TRUE(empty->empty());
}

TEST(Path, EnvelopeForms)
{
    auto plain = parse_path("<alice@crepes.fr> SIZE=10");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->mailbox.address(), "alice@crepes.fr");
    EXPECT_EQ(plain->consumed, 17u);
    auto null = parse_path("<>");
    ASSERT_TRUE(null);
    EXPECT_TRUE(null->is_null);
    auto routed = parse_path("<@hosta.int,@jkl.org:userc@d.bar.org>");
    ASSERT_TRUE(routed);
    EXPECT_EQ(routed->mailbox.address(), "userc@d.bar.org");
    auto postmaster = parse_path("<Postmaster>");
    ASSERT_TRUE(postmaster);
    EXPECT_EQ(postmaster->mailbox.domain, "");
    auto quoted = parse_path("<\"a b\"@example.org>");
    ASSERT_TRUE(quoted);
    EXPECT_EQ(quoted->mailbox.local_part, "a b");
    auto literal = parse_path("<x@[IPv6:2001:db8::1]>");
    ASSERT_TRUE(literal);
    EXPECT_EQ(literal->mailbox.domain, "[IPv6:2001:db8::1]");
}

TEST(Path, Errors)
{
    EXPECT_FALSE(parse_path("alice@crepes.fr"));
    EXPECT_FALSE(parse_path("<alice>"));
    EXPECT_FALSE(parse_path("<a..b@c>"));
    EXPECT_FALSE(parse_path("<a@b..c>"));
    EXPECT_FALSE(parse_path("<a@b"));
    EXPECT_FALSE(parse_path("<a b@c>"));
    EXPECT_EQ(parse_path("<" + std::string(64, 'a') + "@b>").ok(), true);
    EXPECT_EQ(parse_path("<" + std::string(65, 'a') + "@b>").error(), AddressError::too_long);
    EXPECT_EQ(parse_path("<a@" + std::string(255, 'b') + ">").ok(), true);
    EXPECT_EQ(parse_path("<a@" + std::string(256, 'b') + ">").error(), AddressError::too_long);
}

TEST(Address, FormatMailbox)
{
    EXPECT_EQ(format_mailbox({"", "bob", "hamburger.edu"}), "<bob@hamburger.edu>");
    EXPECT_EQ(format_mailbox({"Bob \"B\"", "bob", "hamburger.edu"}), "\"Bob \\\"B\\\"\" <bob@hamburger.edu>");
    const std::string encoded = format_mailbox({"J\xc3\xb6rg", "j", "example.org"});
    EXPECT_EQ(encoded, "=?UTF-8?B?SsO2cmc=?= <j@example.org>");
    auto back = parse_mailbox(encoded);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->display_name, "J\xc3\xb6rg");
}

}  // namespace
}  // namespace layer7::mail
