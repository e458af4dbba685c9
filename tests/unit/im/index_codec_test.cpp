// The IM wire format: names, addresses, command splitting, index lines, peer lines.
#include "im/index_codec.hpp"

#include <gtest/gtest.h>

namespace layer7::im {
namespace {

TEST(ImCodec, NamesAreFoldedAndChecked)
{
    EXPECT_EQ(canonical_name("alice"), "alice");
    EXPECT_EQ(canonical_name("Bob.Smith-2_x"), "bob.smith-2_x");
    EXPECT_EQ(canonical_name("7up"), "7up");
    EXPECT_FALSE(canonical_name(""));
    EXPECT_FALSE(canonical_name(".alice"));
    EXPECT_FALSE(canonical_name("-x"));
    EXPECT_FALSE(canonical_name("al ice"));
    EXPECT_FALSE(canonical_name("alice\r"));
    EXPECT_FALSE(canonical_name("al\x1b[2Jice"));
    EXPECT_FALSE(canonical_name("ålice"));
    EXPECT_FALSE(canonical_name("a:b"));
}

TEST(ImCodec, NameLengthAtTheLimit)
{
    EXPECT_TRUE(canonical_name(std::string(max_name - 1, 'a')));
    EXPECT_TRUE(canonical_name(std::string(max_name, 'a')));
    EXPECT_FALSE(canonical_name(std::string(max_name + 1, 'a')));
}

TEST(ImCodec, Addresses)
{
    EXPECT_TRUE(valid_address("127.0.0.1:5222"));
    EXPECT_TRUE(valid_address("[::1]:40000"));
    EXPECT_TRUE(valid_address("localhost:1"));
    EXPECT_FALSE(valid_address("127.0.0.1"));
    EXPECT_FALSE(valid_address("127.0.0.1:0"));
    EXPECT_FALSE(valid_address("127.0.0.1:65536"));
    EXPECT_FALSE(valid_address("::1:80"));
    EXPECT_FALSE(valid_address("host/x:80"));
    EXPECT_FALSE(valid_address("h\x1b:80"));
    EXPECT_FALSE(valid_address(std::string(70, 'a') + ":80"));
}

TEST(ImCodec, SplitCommand)
{
    auto c = split_command("register  alice 127.0.0.1:1");
    EXPECT_EQ(c.verb, "REGISTER");
    EXPECT_EQ(c.args, "alice 127.0.0.1:1");
    c = split_command("WHO");
    EXPECT_EQ(c.verb, "WHO");
    EXPECT_EQ(c.args, "");
    c = split_command("");
    EXPECT_EQ(c.verb, "");
    const auto w = words("  a  b c ");
    ASSERT_EQ(w.size(), 3u);
    EXPECT_EQ(w[0], "a");
    EXPECT_EQ(w[2], "c");
    EXPECT_TRUE(words("   ").empty());
}

TEST(ImCodec, IndexLinesRoundTrip)
{
    auto line = [](std::string wire) {
        EXPECT_TRUE(wire.ends_with("\r\n"));
        wire.resize(wire.size() - 2);
        return decode_index_line(wire);
    };
    auto r = line(reply(250, "alice registered at 127.0.0.1:1"));
    EXPECT_EQ(r.kind, IndexLine::Kind::reply);
    EXPECT_EQ(r.code, 250);
    EXPECT_EQ(r.text, "alice registered at 127.0.0.1:1");
    r = line(push_online("bob", "127.0.0.1:40002"));
    EXPECT_EQ(r.kind, IndexLine::Kind::online);
    EXPECT_EQ(r.name, "bob");
    EXPECT_EQ(r.address, "127.0.0.1:40002");
    r = line(push_offline("bob"));
    EXPECT_EQ(r.kind, IndexLine::Kind::offline);
    EXPECT_EQ(r.name, "bob");
    r = line(user_line("carol", "[::1]:9"));
    EXPECT_EQ(r.kind, IndexLine::Kind::user);
    EXPECT_EQ(r.address, "[::1]:9");
}

TEST(ImCodec, IndexLineGarbage)
{
    for (std::string_view bad :
         {"", "25", "2500 x", "abc", "* ONLINE", "* ONLINE bob", "* ONLINE bob 1.2.3.4", "* OFFLINE bob extra",
          "* BOGUS bob", "* ONLINE b\x01 1.1.1.1:1", "099 early", "HELLO x"})
        EXPECT_EQ(decode_index_line(bad).kind, IndexLine::Kind::garbage) << bad;
    EXPECT_EQ(decode_index_line("221").kind, IndexLine::Kind::reply);
}

TEST(ImCodec, PeerLines)
{
    EXPECT_EQ(peer_greeting("bob"), "220 bob layer7 IM peer\r\n");
    EXPECT_EQ(peer_hello("alice"), "HELLO alice\r\n");
    EXPECT_EQ(peer_message("hi\r\nQUIT\x1b[0m"), "MSG hi  QUIT [0m\r\n");
    EXPECT_EQ(peer_bye(), "BYE\r\n");
    EXPECT_TRUE(is_clean_text("héllo wörld"));
    EXPECT_FALSE(is_clean_text("a\tb"));
    EXPECT_FALSE(is_clean_text(std::string("a\0b", 3)));
    EXPECT_FALSE(is_clean_text("\x7f"));
}

}  // namespace
}  // namespace layer7::im
