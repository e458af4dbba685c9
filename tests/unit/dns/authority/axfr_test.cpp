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
