// Zone changes: the difference of two versions in IXFR order, applying it, chains of changes, and
// the journal's text.
#include "dns/zone/zone_change.hpp"

#include <gtest/gtest.h>

#include "dns/zone/journal.hpp"
#include "dns/zone/zone_parser.hpp"

using namespace layer7::dns;

namespace {

const Name origin = Name::parse("example.test.").value();

Zone zone(std::uint32_t serial, const std::string& body)
{
    const std::string text = "$TTL 300\n@ SOA ns admin " + std::to_string(serial) +
                             " 7200 3600 1209600 300\n@ NS ns\nns A 192.0.2.53\n" + body;
    auto z = parse_zone(text, origin, "test");
    EXPECT_TRUE(z.ok()) << to_text(z.error());
    return std::move(z).value();
}

}  // namespace

TEST(ZoneChange, TheDifferenceStartsWithBothSoasAndAppliesBack)
{
    const Zone before = zone(1, "www A 192.0.2.1\nold TXT \"gone\"\n");
    const Zone after = zone(2, "www A 192.0.2.2\nnew TXT \"a; quoted\" \"two\"\nwww 60 AAAA 2001:db8::1\n");
    ZoneChange change = difference(before, after);
    EXPECT_EQ(change.from_serial(), 1u);
    EXPECT_EQ(change.to_serial(), 2u);
    EXPECT_EQ(change.removed.size(), 3u);  // SOA, old TXT, www A .1
    EXPECT_EQ(change.added.size(), 4u);    // SOA, new TXT, www A .2, www AAAA
    Zone replay = before;
    ASSERT_TRUE(apply(replay, change));
    EXPECT_EQ(replay.records(), after.records());
    // Applied to a version it was not made from, it fails.
    Zone again = after;
    EXPECT_FALSE(apply(again, change));
}

TEST(ZoneChange, OnlyTheNamedNamesAreCompared)
{
    const Zone before = zone(1, "a A 192.0.2.1\nb A 192.0.2.2\n");
    const Zone after = zone(2, "a A 192.0.2.9\nb A 192.0.2.9\n");
    const Name a = Name::parse("a.example.test.").value();
    const ZoneChange change = difference(before, after, std::span(&a, 1));
    EXPECT_EQ(change.removed.size(), 2u);
    EXPECT_EQ(change.added.size(), 2u);
}

TEST(ZoneChange, ATtlChangeIsARemovalAndAnAddition)
{
    const ZoneChange change = difference(zone(1, "www A 192.0.2.1\n"), zone(2, "www 60 A 192.0.2.1\n"));
    ASSERT_EQ(change.added.size(), 2u);
    EXPECT_EQ(change.added[1].ttl, 60u);
    Zone replay = zone(1, "www A 192.0.2.1\n");
    ASSERT_TRUE(apply(replay, change));
    EXPECT_EQ(replay.find(Name::parse("www.example.test.").value(), RrType::a)->ttl, 60u);
}

TEST(ZoneChange, SerialArithmeticWraps)
{
    EXPECT_TRUE(serial_newer(2, 1));
    EXPECT_FALSE(serial_newer(1, 1));
    EXPECT_TRUE(serial_newer(0, 0xffffffff));
    EXPECT_FALSE(serial_newer(0xffffffff, 0));
}

TEST(ZoneChange, ChangesSinceFollowsAnUnbrokenChain)
{
    ZoneHistory history;
    for (std::uint32_t s = 1; s <= 3; ++s)
        history.push_back(std::make_shared<const ZoneChange>(difference(zone(s, ""), zone(s + 1, ""))));
    EXPECT_EQ(changes_since(history, 1)->size(), 3u);
    EXPECT_EQ(changes_since(history, 3)->size(), 1u);
    EXPECT_TRUE(changes_since(history, 4)->empty());
    EXPECT_FALSE(changes_since(history, 7));
    history.erase(history.begin() + 1);
    EXPECT_FALSE(changes_since(history, 1));  // 2 → 3 is missing
}

TEST(Journal, BlocksRoundTrip)
{
    const ZoneChange one = difference(zone(1, "www A 192.0.2.1\n"), zone(2, "www A 192.0.2.2\nt TXT \"x y\"\n"));
    const ZoneChange two = difference(zone(2, "www A 192.0.2.2\nt TXT \"x y\"\n"), zone(3, "mx MX 10 ns\n"));
    const std::string text = journal_block(one) + journal_block(two);
    EXPECT_NE(text.find("$CHANGE 1 2\n-\texample.test.\t300\tIN\tSOA\t"), std::string::npos) << text;
    auto read = parse_journal(text, origin);
    EXPECT_EQ(read.error, "");
    ASSERT_EQ(read.changes.size(), 2u);
    EXPECT_EQ(read.changes[0], one);
    EXPECT_EQ(read.changes[1], two);
    EXPECT_EQ(read.complete, text.size());
}

TEST(Journal, ABlockCutShortIsIgnored)
{
    const std::string whole = journal_block(difference(zone(1, ""), zone(2, "a A 192.0.2.1\n")));
    const std::string partial = journal_block(difference(zone(2, "a A 192.0.2.1\n"), zone(3, "")));
    for (std::size_t cut : {std::size_t{0}, std::size_t{5}, partial.size() / 2, partial.size() - 1}) {
        auto read = parse_journal(whole + partial.substr(0, cut), origin);
        EXPECT_EQ(read.error, "");
        EXPECT_EQ(read.changes.size(), 1u) << cut;
        EXPECT_EQ(read.complete, whole.size());
    }
    EXPECT_TRUE(parse_journal("", origin).changes.empty());
}

TEST(Journal, MalformedBlocksAreErrors)
{
    EXPECT_NE(parse_journal("$CHANGE 1 2\n$END\n", origin).error, "");
    EXPECT_NE(parse_journal("+\twww.example.test.\t300\tIN\tA\t192.0.2.1\n$END\n", origin).error, "");
    const std::string outside = journal_block(difference(zone(1, ""), zone(2, "")));
    EXPECT_NE(parse_journal(outside + "$CHANGE 2 3\n+\twww.example.org.\t300\tIN\tA\t192.0.2.1\n$END\n", origin).error,
              "");
    EXPECT_NE(parse_journal("junk\n$END\n", origin).error, "");
}
