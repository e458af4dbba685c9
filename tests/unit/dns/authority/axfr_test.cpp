// AXFR: SOA first and last, every record once, split into messages, errors for non-apex names.
#include "dns/authority/axfr.hpp"

#include <gtest/gtest.h>

#include "dns/zone/zone_change.hpp"
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
std::vector<Record> all_answers(const std::vector<Message>& messages)
{
    std::vector<Record> out;
    for (auto& m : messages)
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
    const Zone* zone = zones.find(n("networkutopia.com."));
    EXPECT_EQ(records.size(), zone->record_count() + 1);
    EXPECT_EQ(records.front().type, RrType::soa);
    EXPECT_EQ(records.back().type, RrType::soa);
}

TEST(Axfr, SplitsIntoMessagesUnderTheSizeLimit)
{
    ZoneSet zones = textbook_zones();
    const Zone* zone = zones.find(n("networkutopia.com."));
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
    const Zone* zone = zones.find(n("networkutopia.com."));
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

// RFC 1995 §4: with a history reaching back to the client's serial, the changes since, each as
// old SOA, removals, new SOA, additions, between two copies of the current SOA.
TEST(Ixfr, TheChangesSinceTheClientsSerialWhenTheHistoryHasThem)
{
    ZoneSet zones = textbook_zones();
    const ZoneSet::Entry& entry = *zones.entry(n("hamburger.edu."));
    Zone v1 = *entry.zone, v2 = v1, v3 = v1;
    auto bump = [](Zone& z, std::uint32_t serial) {
        Record soa = z.soa()->records().front();
        z.remove(soa);
        std::get<Soa>(soa.data).serial = serial;
        z.add(soa);
    };
    bump(v2, 2);
    v2.add(Record{n("new.hamburger.edu."), RrType::a, RrClass::in, 60, A{{192, 0, 2, 1}}});
    v3 = v2;
    bump(v3, 3);
    v3.remove(Record{n("www.hamburger.edu."), RrType::a, RrClass::in, 86400, A{{128, 119, 40, 186}}});
    ZoneHistory history{std::make_shared<const ZoneChange>(difference(v1, v2)),
                        std::make_shared<const ZoneChange>(difference(v2, v3))};
    zones.put(std::make_shared<const Zone>(v3), history);

    auto records = all_answers(axfr(ixfr_query("hamburger.edu.", 1), zones));
    auto serial = [](const Record& r) { return std::get<Soa>(r.data).serial; };
    ASSERT_EQ(records.size(), 8u);  // SOA3, SOA1, SOA2, +new, SOA2, -www, SOA3, SOA3
    EXPECT_EQ(serial(records[0]), 3u);
    EXPECT_EQ(serial(records[1]), 1u);
    EXPECT_EQ(serial(records[2]), 2u);
    EXPECT_EQ(records[3].owner, n("new.hamburger.edu."));
    EXPECT_EQ(serial(records[4]), 2u);
    EXPECT_EQ(records[5].owner, n("www.hamburger.edu."));
    EXPECT_EQ(serial(records[6]), 3u);
    EXPECT_EQ(serial(records[7]), 3u);
    EXPECT_EQ(all_answers(axfr(ixfr_query("hamburger.edu.", 2), zones)).size(), 5u);
    // A serial the history does not reach: the whole zone, AXFR-style.
    auto whole = all_answers(axfr(ixfr_query("hamburger.edu.", 0), zones));
    EXPECT_EQ(whole.size(), v3.record_count() + 1);
}
