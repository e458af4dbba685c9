// AXFR: SOA first and last, every record once, split into messages, errors for non-apex names.
#include "dns/authority/axfr.hpp"

#include <gtest/gtest.h>

#include "textbook_zones.hpp"

using namespace layer7::dns;

namespace {
Name n(std::string_view t)
{
    return Name::parse(t).value();
}
Message axfr_query(std::string_view name)
{
    Message q;
    q.id = 77;
    q.questions.push_back({n(name), RrType::axfr, RrClass::in});
    return q;
}
// RFC 1995 §3: IXFR carries the client's SOA (only the serial matters here) in the authority section.
Message ixfr_query(std::string_view name, std::uint32_t serial)
{
    Message q = axfr_query(name);
    q.questions[0].type = RrType::ixfr;
    Soa soa{.mname = n("ns.x."), .rname = n("admin.x."), .serial = serial};
    q.authority.push_back(Record{n(name), RrType::soa, RrClass::in, 0, soa});
    return q;
}
std::vector<Record> all_answers(const std::vector<Message> &messages)
{
    std::vector<Record> out;
    for (auto &m : messages)
        out.insert(out.end(), m.answers.begin(), m.answers.end());
    return out;
}
}  // namespace

TEST(Axfr, SoaFirstAndLastEveryRecordOnce)
{
    ZoneSet zones = textbook_zones();
    auto messages = axfr(axfr_query("networkutopia.com."), zones);
    ASSERT_EQ(messages.size(), 1u);
    EXPECT_EQ(messages[0].id, 77);
    EXPECT_TRUE(messages[0].flags.aa);
    EXPECT_EQ(messages[0].questions.size(), 1u);
    auto records = all_answers(messages);
    const Zone *zone = zones.find(n("networkutopia.com."));
    EXPECT_EQ(records.size(), zone->record_count() + 1);
    EXPECT_EQ(records.front().type, RrType::soa);
    EXPECT_EQ(records.back().type, RrType::soa);
}

TEST(Axfr, SplitsIntoMessagesUnderTheSizeLimit)
{
    ZoneSet zones = textbook_zones();
    const Zone *zone = zones.find(n("networkutopia.com."));
    auto messages = axfr(*zone, 5, 200);
    ASSERT_GT(messages.size(), 3u);
    EXPECT_EQ(all_answers(messages).size(), zone->record_count() + 1);
    for (std::size_t i = 0; i < messages.size(); ++i) {
        EXPECT_EQ(messages[i].questions.size(), i == 0 ? 1u : 0u);
        EXPECT_LE(encode(messages[i]).size(), 200u);
        EXPECT_FALSE(messages[i].answers.empty());
    }
}

TEST(Axfr, RefusesWhatIsNotAZoneApex)
{
    ZoneSet zones = textbook_zones();
    EXPECT_EQ(axfr(axfr_query("www.networkutopia.com."), zones).front().rcode, Rcode::not_auth);
    EXPECT_EQ(axfr(axfr_query("crepes.fr."), zones).front().rcode, Rcode::refused);
    Message wrong = axfr_query("networkutopia.com.");
    wrong.questions[0].type = RrType::a;
    EXPECT_EQ(axfr(wrong, zones).front().rcode, Rcode::form_err);
}

// We keep no history: an IXFR from an older serial gets the whole zone, AXFR-style (RFC 1995 §4).
TEST(Ixfr, FromAnOlderSerialIsAFullTransfer)
{
    ZoneSet zones = textbook_zones();
    const Zone *zone = zones.find(n("networkutopia.com."));
    for (std::uint32_t older : {2024010100u, 1u, 2024010101u + 0x80000001u}) {  // last: wrapped, RFC 1982
        auto messages = axfr(ixfr_query("networkutopia.com.", older), zones);
        ASSERT_EQ(messages.size(), 1u) << older;
        EXPECT_EQ(messages[0].rcode, Rcode::no_error);
        EXPECT_TRUE(messages[0].flags.aa);
        ASSERT_EQ(messages[0].questions.size(), 1u);
        EXPECT_EQ(messages[0].questions[0].type, RrType::ixfr);  // the client's question, echoed
        auto records = all_answers(messages);
        ASSERT_EQ(records.size(), zone->record_count() + 1) << older;
        EXPECT_EQ(records.front().type, RrType::soa);
        EXPECT_EQ(records.back().type, RrType::soa);
    }
}

// RFC 1995 §2: a client as new as us, or newer, gets our SOA alone.
TEST(Ixfr, FromTheCurrentOrANewerSerialIsOurSoaAlone)
{
    ZoneSet zones = textbook_zones();
    for (std::uint32_t current : {2024010101u, 2024010102u}) {
        auto messages = axfr(ixfr_query("networkutopia.com.", current), zones);
        ASSERT_EQ(messages.size(), 1u);
        ASSERT_EQ(messages[0].answers.size(), 1u);
        EXPECT_EQ(messages[0].answers[0].type, RrType::soa);
        EXPECT_EQ(std::get<Soa>(messages[0].answers[0].data).serial, 2024010101u);
    }
}

TEST(Ixfr, WithoutTheClientsSoaOrForANonApexName)
{
    ZoneSet zones = textbook_zones();
    Message bare = ixfr_query("networkutopia.com.", 1);
    bare.authority.clear();  // no serial to compare: the whole zone
    EXPECT_GT(all_answers(axfr(bare, zones)).size(), 2u);
    EXPECT_EQ(axfr(ixfr_query("www.networkutopia.com.", 1), zones).front().rcode, Rcode::not_auth);
}
