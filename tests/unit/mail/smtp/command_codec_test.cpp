// Tests for mail/smtp/command_codec: RFC 5321 §4.1 syntax, RFC 1870/6152/6531 params, RFC 4616.
#include "mail/smtp/command_codec.hpp"

#include <gtest/gtest.h>

namespace layer7::mail::smtp {
namespace {

TEST(CommandCodec, SplitCommand)
{
    auto cmd = split_command("mail FROM:<a@b>  ");
    EXPECT_EQ(cmd.verb, "MAIL");
    EXPECT_EQ(cmd.args, "FROM:<a@b>");
    EXPECT_EQ(split_command("QUIT").args, "");
    EXPECT_EQ(split_command("").verb, "");
}

TEST(CommandCodec, MailFrom)
{
    auto plain = parse_mail_from("FROM:<alice@crepes.fr>");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->path.mailbox.address(), "alice@crepes.fr");
    EXPECT_FALSE(plain->has_params);
    auto spaced = parse_mail_from("from: <alice@crepes.fr>");
    ASSERT_TRUE(spaced);
    auto params = parse_mail_from("FROM:<a@b> size=12345 BODY=8BITMIME SMTPUTF8 AUTH=<>");
    ASSERT_TRUE(params);
    EXPECT_EQ(params->size, 12345u);
    EXPECT_TRUE(params->eight_bit_mime);
    EXPECT_TRUE(params->smtputf8);
    EXPECT_TRUE(params->has_params);
    auto null = parse_mail_from("FROM:<>");
    ASSERT_TRUE(null);
    EXPECT_TRUE(null->path.is_null);
}

TEST(CommandCodec, MailFromErrors)
{
    EXPECT_EQ(parse_mail_from("alice@crepes.fr").error(), CommandError::syntax);
    EXPECT_EQ(parse_mail_from("FROM:alice@crepes.fr").error(), CommandError::syntax);
    EXPECT_EQ(parse_mail_from("FROM:<a@b>junk").error(), CommandError::syntax);
    EXPECT_EQ(parse_mail_from("FROM:<a@@b>").error(), CommandError::bad_address);
    EXPECT_EQ(parse_mail_from("FROM:<a@b> SIZE=").error(), CommandError::bad_parameter_value);
    EXPECT_EQ(parse_mail_from("FROM:<a@b> SIZE=1x").error(), CommandError::bad_parameter_value);
    EXPECT_EQ(parse_mail_from("FROM:<a@b> SIZE=99999999999999999999").error(), CommandError::bad_parameter_value);
    EXPECT_TRUE(parse_mail_from("FROM:<a@b> SIZE=9999999999999999999"));
    EXPECT_EQ(parse_mail_from("FROM:<a@b> BODY=BINARYMIME").error(), CommandError::bad_parameter_value);
    EXPECT_EQ(parse_mail_from("FROM:<a@b> SMTPUTF8=yes").error(), CommandError::bad_parameter_value);
    EXPECT_EQ(parse_mail_from("FROM:<a@b> RET=HDRS").error(), CommandError::unknown_parameter);
}

TEST(CommandCodec, RcptTo)
{
    auto rcpt = parse_rcpt_to("TO:<bob@hamburger.edu>");
    ASSERT_TRUE(rcpt);
    EXPECT_EQ(rcpt->path.mailbox.address(), "bob@hamburger.edu");
    EXPECT_TRUE(parse_rcpt_to("To: <Postmaster>"));
    EXPECT_EQ(parse_rcpt_to("TO:<>").error(), CommandError::bad_address);
    EXPECT_EQ(parse_rcpt_to("TO:<bob>").error(), CommandError::bad_address);
    EXPECT_EQ(parse_rcpt_to("FROM:<a@b>").error(), CommandError::syntax);
    EXPECT_EQ(parse_rcpt_to("TO:<a@b> NOTIFY=NEVER").error(), CommandError::unknown_parameter);
}

TEST(CommandCodec, Plain)
{
    // RFC 4616 §4 examples (decoded).
    auto simple = decode_plain(std::string("\0tim\0tanstaaftanstaaf", 21));
    ASSERT_TRUE(simple);
    EXPECT_EQ(simple->authzid, "");
    EXPECT_EQ(simple->authcid, "tim");
    EXPECT_EQ(simple->password, "tanstaaftanstaaf");
    auto with_authz = decode_plain(std::string("Ursel\0Kurt\0xipj3plmq", 20));
    ASSERT_TRUE(with_authz);
    EXPECT_EQ(with_authz->authzid, "Ursel");
    EXPECT_FALSE(decode_plain("no nuls"));
    EXPECT_FALSE(decode_plain(std::string("a\0b", 3)));
    EXPECT_FALSE(decode_plain(std::string("\0\0pw", 4)));
    EXPECT_FALSE(decode_plain(std::string("\0u\0p\0x", 6)));
}

TEST(CommandCodec, NonAscii)
{
    EXPECT_FALSE(has_non_ascii("alice@crepes.fr"));
    EXPECT_TRUE(has_non_ascii("j\xc3\xb6rg@crepes.fr"));
}

}  // namespace
}  // namespace layer7::mail::smtp
