// CommandAssembler (literals, LITERAL+, limits at limit-1/limit/limit+1) and Reader tokens.
#include "mail/imap/command_parser.hpp"

#include <gtest/gtest.h>

namespace layer7::mail::imap {
namespace {

TEST(CommandAssembler, PlainLineIsComplete)
{
    ImapLimits limits;
    CommandAssembler a(limits);
    auto e = a.on_line("a1 NOOP");
    EXPECT_EQ(e.status, CommandAssembler::Status::complete);
    EXPECT_EQ(e.tag, "a1");
    EXPECT_EQ(a.take().text, "a1 NOOP");
}

TEST(CommandAssembler, SynchronizingAndNonSynchronizingLiterals)
{
    ImapLimits limits;
    CommandAssembler a(limits);
    auto e = a.on_line("a LOGIN {3}");
    ASSERT_EQ(e.status, CommandAssembler::Status::need_literal);
    EXPECT_TRUE(e.synchronizing);
    EXPECT_EQ(e.literal_size, 3u);
    a.on_literal("bob");
    e = a.on_line(" {6+}");
    ASSERT_EQ(e.status, CommandAssembler::Status::need_literal);
    EXPECT_FALSE(e.synchronizing);
    a.on_literal("hun gy");
    EXPECT_EQ(a.on_line("").status, CommandAssembler::Status::complete);
    RawCommand c = a.take();
    Reader r(c);
    EXPECT_EQ(r.atom(), "a");
    r.space();
    EXPECT_EQ(r.atom(), "LOGIN");
    r.space();
    EXPECT_EQ(r.astring(), "bob");
    r.space();
    EXPECT_EQ(r.astring(), "hun gy");
    EXPECT_TRUE(r.at_end());
}

TEST(CommandAssembler, LiteralLimitAtTheAnnouncement)
{
    ImapLimits limits;
    limits.max_literal = 100;
    CommandAssembler a(limits);
    EXPECT_EQ(a.on_line("a APPEND x {99}").status, CommandAssembler::Status::need_literal);
    a.reset();
    EXPECT_EQ(a.on_line("a APPEND x {100}").status, CommandAssembler::Status::need_literal);
    a.reset();
    auto e = a.on_line("a APPEND x {101}");
    EXPECT_EQ(e.status, CommandAssembler::Status::refused);
    EXPECT_FALSE(e.fatal);
    EXPECT_EQ(e.error.rfind("a NO [TOOBIG]", 0), 0u);
    e = a.on_line("b APPEND x {10737418240+}");  // 10 GB, already on its way: close
    EXPECT_EQ(e.status, CommandAssembler::Status::refused);
    EXPECT_TRUE(e.fatal);
    e = a.on_line("c APPEND x {99999999999999999999999999}");
    EXPECT_EQ(e.status, CommandAssembler::Status::refused);
}

TEST(Reader, QuotedSequenceSetsAndFlags)
{
    RawCommand c{R"("a \"b\" \\" 1:3,5,*:7 (\Seen $Junk) \Deleted)", {}};
    Reader r(c);
    EXPECT_EQ(r.quoted(), R"(a "b" \)");
    r.space();
    auto set = r.sequence_set(10);
    ASSERT_TRUE(set);
    EXPECT_TRUE(set->contains(2, 9));
    EXPECT_FALSE(set->contains(4, 9));
    EXPECT_TRUE(set->contains(8, 9));  // *:7 with * = 9
    r.space();
    auto flags = r.flag_list(false);
    ASSERT_TRUE(flags);
    EXPECT_EQ(*flags, (std::vector<std::string>{"\\Seen", "$Junk"}));
    r.space();
    EXPECT_EQ(r.flag_list(true), (std::vector<std::string>{"\\Deleted"}));
    RawCommand bad{"0:3", {}};
    Reader r2(bad);
    EXPECT_FALSE(r2.sequence_set(10));  // sequence numbers start at 1
}

TEST(Reader, ModSequencesAre63Bits)
{
    // RFC 7162 §7: mod-sequence-value is 1..2^63-1; mod-sequence-valzer also takes 0.
    auto read = [](std::string text, bool zero_ok) {
        RawCommand c{std::move(text), {}};
        Reader r(c);
        auto v = r.mod_sequence(zero_ok);
        return v && r.at_end() ? v : std::nullopt;
    };
    EXPECT_EQ(read("9223372036854775806", false), 9223372036854775806u);  // limit - 1
    EXPECT_EQ(read("9223372036854775807", false), 9223372036854775807u);  // limit
    EXPECT_FALSE(read("9223372036854775808", false));                     // limit + 1
    EXPECT_FALSE(read("18446744073709551616", true));                     // past 64 bits
    EXPECT_FALSE(read("0", false));
    EXPECT_EQ(read("0", true), 0u);
    EXPECT_FALSE(read("", true));
    EXPECT_FALSE(read("x", true));
}

}  // namespace
}  // namespace layer7::mail::imap
