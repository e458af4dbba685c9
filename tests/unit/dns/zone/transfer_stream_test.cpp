// Reading a zone transfer: AXFR into a zone, IXFR into a chain of changes, and the malformed
// streams a secondary must refuse rather than apply.
#include "dns/zone/transfer_stream.hpp"

#include <gtest/gtest.h>

#include "dns/zone/zone_parser.hpp"

using namespace layer7::dns;

namespace {

const Name origin = Name::parse("example.test.").value();

Zone zone(std::uint32_t serial, const std::string& body = "")
{
    return parse_zone("$TTL 300\n@ SOA ns admin " + std::to_string(serial) +
                          " 7200 3600 1209600 300\n@ NS ns\nns A 192.0.2.53\n" + body,
                      origin, "test")
        .value();
}

Record soa(std::uint32_t serial)
{
    return zone(serial).soa()->records().front();
}

std::vector<Record> ixfr_stream(const std::vector<ZoneChange>& changes, std::uint32_t last)
{
    std::vector<Record> out{soa(last)};
    for (const auto& c : changes) {
        out.insert(out.end(), c.removed.begin(), c.removed.end());
        out.insert(out.end(), c.added.begin(), c.added.end());
    }
    out.push_back(soa(last));
    return out;
}

}  // namespace

TEST(TransferStream, AnAxfrIsAWholeZone)
{
    const Zone z = zone(5, "www A 192.0.2.1\n");
    auto records = z.records();
    records.push_back(records.front());
    auto t = read_transfer(records, origin, false, 0);
    ASSERT_EQ(t.error, "");
    ASSERT_TRUE(t.zone);
    EXPECT_EQ(t.zone->records(), z.records());
    // The same stream as the answer to an IXFR (the server had no history): still a whole zone.
    EXPECT_TRUE(read_transfer(records, origin, true, 3).zone);
}

TEST(TransferStream, AnIxfrIsAChainOfChanges)
{
    const ZoneChange one = difference(zone(1), zone(2, "a A 192.0.2.1\n"));
    const ZoneChange two = difference(zone(2, "a A 192.0.2.1\n"), zone(3, "b A 192.0.2.2\n"));
    auto t = read_transfer(ixfr_stream({one, two}, 3), origin, true, 1);
    ASSERT_EQ(t.error, "");
    ASSERT_EQ(t.changes.size(), 2u);
    EXPECT_EQ(t.changes[0], one);
    EXPECT_EQ(t.changes[1], two);
    EXPECT_TRUE(read_transfer({soa(3)}, origin, true, 3).up_to_date);
}

TEST(TransferStream, MalformedStreamsAreRefused)
{
    const ZoneChange one = difference(zone(1), zone(2, "a A 192.0.2.1\n"));
    EXPECT_NE(read_transfer(ixfr_stream({one}, 2), origin, true, 7).error, "");  // not from our serial
    auto cut = ixfr_stream({one}, 2);
    cut.pop_back();
    EXPECT_NE(read_transfer(cut, origin, true, 1).error, "");  // no closing SOA
    auto foreign = zone(4).records();
    foreign.push_back(Record{Name::parse("www.example.org.").value(), RrType::a, RrClass::in, 60, A{{1, 2, 3, 4}}});
    foreign.push_back(foreign.front());
    EXPECT_NE(read_transfer(foreign, origin, false, 0).error, "");
    auto two_soas = zone(4).records();
    two_soas.insert(two_soas.begin() + 1, soa(9));
    two_soas.push_back(two_soas.front());
    EXPECT_NE(read_transfer(two_soas, origin, false, 0).error, "");
    EXPECT_NE(read_transfer({}, origin, false, 0).error, "");
}
