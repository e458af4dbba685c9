// Dynamic update (RFC 2136): prerequisites (§2.4, §3.2), the prescan (§3.4.1), additions and
// deletions with the CNAME, SOA and apex rules (§3.4.2), the serial (§3.6) and grants.
#include "dns/authority/update.hpp"

#include <gtest/gtest.h>

#include "dns/zone/zone_parser.hpp"

using namespace layer7::dns;

namespace {

const char* zone_text = R"($TTL 3600
@     SOA ns admin 10 7200 3600 1209600 300
@     NS  ns
ns    A   192.0.2.53
www   A   192.0.2.80
www   A   192.0.2.81
ftp   CNAME www
txt   TXT "hello"
)";

Zone zone()
{
    return parse_zone(zone_text, Name::parse("example.test.").value(), "example.test").value();
}

Name name(const std::string& text)
{
    return Name::parse(text, Name::parse("example.test.").value()).value();
}

Record rr(const std::string& owner, RrType type, RrClass klass, std::uint32_t ttl, Rdata data)
{
    return Record{name(owner), type, klass, ttl, std::move(data)};
}

const Rdata none = Unknown{};

// An UPDATE as it arrives: encoded and decoded, so class NONE/ANY data is what the decoder makes of it.
struct Update {
    Message m;
    Update()
    {
        m.flags.opcode = Opcode::update;
        m.questions.push_back({name("@"), RrType::soa, RrClass::in});
    }
    Update& require(Record r)
    {
        m.answers.push_back(std::move(r));
        return *this;
    }
    Update& change(Record r)
    {
        m.authority.push_back(std::move(r));
        return *this;
    }
    UpdateResult run(const Zone& z, UpdateGrant grant = {}) const
    {
        return apply_update(decode(encode(m)).value(), z, grant);
    }
};

A a(std::uint8_t last)
{
    return A{{192, 0, 2, last}};
}

}  // namespace

TEST(Update, AnAdditionBumpsTheSerialAndReportsTheChange)
{
    const Zone before = zone();
    auto r = Update().change(rr("new", RrType::a, RrClass::in, 300, a(7))).run(before);
    ASSERT_EQ(r.rcode, Rcode::no_error) << r.reason;
    ASSERT_TRUE(r.zone && r.change);
    EXPECT_EQ(soa_serial(*r.zone), 11u);
    EXPECT_TRUE(r.zone->find(name("new"), RrType::a));
    EXPECT_EQ(r.change->from_serial(), 10u);
    EXPECT_EQ(r.change->to_serial(), 11u);
    ASSERT_EQ(r.change->added.size(), 2u);
    EXPECT_EQ(r.change->added[1], rr("new", RrType::a, RrClass::in, 300, a(7)));
    EXPECT_EQ(r.change->removed.size(), 1u);  // the old SOA
    EXPECT_EQ(soa_serial(before), 10u);       // the old version is untouched
}

TEST(Update, AnAdditionSetsTheTtlOfTheWholeRrset)
{
    auto r = Update().change(rr("www", RrType::a, RrClass::in, 60, a(82))).run(zone());
    ASSERT_TRUE(r.zone);
    const RRset* www = r.zone->find(name("www"), RrType::a);
    EXPECT_EQ(www->rdatas.size(), 3u);
    EXPECT_EQ(www->ttl, 60u);
    EXPECT_EQ(r.change->removed.size(), 3u);  // SOA and the two records at their old TTL
    EXPECT_EQ(r.change->added.size(), 4u);
}

TEST(Update, NothingChangedIsNoerrorWithoutANewVersion)
{
    auto r = Update().change(rr("www", RrType::a, RrClass::in, 3600, a(80))).run(zone());
    EXPECT_EQ(r.rcode, Rcode::no_error);
    EXPECT_FALSE(r.zone);
    r = Update().change(rr("nothing", RrType::a, RrClass::any, 0, none)).run(zone());
    EXPECT_FALSE(r.zone);
}

TEST(Update, DeletionsOfARecordAnRrsetAndAName)
{
    auto r = Update().change(rr("www", RrType::a, RrClass::none, 0, a(80))).run(zone());
    ASSERT_TRUE(r.zone);
    EXPECT_EQ(r.zone->find(name("www"), RrType::a)->rdatas.size(), 1u);
    r = Update().change(rr("www", RrType::a, RrClass::any, 0, none)).run(zone());
    ASSERT_TRUE(r.zone);
    EXPECT_FALSE(r.zone->node(name("www")));
    r = Update().change(rr("txt", RrType::any, RrClass::any, 0, none)).run(zone());
    ASSERT_TRUE(r.zone);
    EXPECT_FALSE(r.zone->exists(name("txt")));
    EXPECT_EQ(r.change->removed.size(), 2u);
}

TEST(Update, TheApexKeepsItsSoaAndLastNs)
{
    auto r = Update()
                 .change(rr("@", RrType::any, RrClass::any, 0, none))
                 .change(rr("@", RrType::ns, RrClass::none, 0, Ns{name("ns")}))
                 .change(rr("@", RrType::soa, RrClass::any, 0, none))
                 .run(zone());
    EXPECT_EQ(r.rcode, Rcode::no_error);
    EXPECT_FALSE(r.zone);
}

TEST(Update, ANewerSoaReplacesTheSerialAnOlderOneIsIgnored)
{
    Soa soa{name("ns"), name("admin"), 50, 7200, 3600, 1209600, 300};
    auto r = Update().change(rr("@", RrType::soa, RrClass::in, 3600, soa)).run(zone());
    ASSERT_TRUE(r.zone);
    EXPECT_EQ(soa_serial(*r.zone), 50u);
    soa.serial = 9;
    r = Update().change(rr("@", RrType::soa, RrClass::in, 3600, soa)).run(zone());
    EXPECT_FALSE(r.zone);
}

TEST(Update, CnameAndOtherDataDoNotMix)
{
    // A CNAME where an A is, or an A where a CNAME is: ignored. A CNAME replaces a CNAME.
    auto r = Update()
                 .change(rr("www", RrType::cname, RrClass::in, 300, Cname{name("ns")}))
                 .change(rr("ftp", RrType::a, RrClass::in, 300, a(9)))
                 .run(zone());
    EXPECT_FALSE(r.zone);
    r = Update().change(rr("ftp", RrType::cname, RrClass::in, 300, Cname{name("ns")})).run(zone());
    ASSERT_TRUE(r.zone);
    EXPECT_EQ(std::get<Cname>(r.zone->find(name("ftp"), RrType::cname)->rdatas.at(0)).target, name("ns"));
}

TEST(Update, PrerequisitesOfEachKind)
{
    const Zone z = zone();
    const Record add = rr("new", RrType::a, RrClass::in, 300, a(7));
    EXPECT_EQ(Update().require(rr("www", RrType::any, RrClass::any, 0, none)).change(add).run(z).rcode,
              Rcode::no_error);
    EXPECT_EQ(Update().require(rr("nope", RrType::any, RrClass::any, 0, none)).change(add).run(z).rcode,
              Rcode::nx_domain);
    EXPECT_EQ(Update().require(rr("www", RrType::mx, RrClass::any, 0, none)).change(add).run(z).rcode, Rcode::nx_rrset);
    EXPECT_EQ(Update().require(rr("www", RrType::any, RrClass::none, 0, none)).change(add).run(z).rcode,
              Rcode::yx_domain);
    EXPECT_EQ(Update().require(rr("www", RrType::a, RrClass::none, 0, none)).change(add).run(z).rcode, Rcode::yx_rrset);
    EXPECT_EQ(Update().require(rr("nope", RrType::a, RrClass::none, 0, none)).change(add).run(z).rcode,
              Rcode::no_error);
    // Value dependent: the whole RRset, no more and no less.
    EXPECT_EQ(Update()
                  .require(rr("www", RrType::a, RrClass::in, 0, a(80)))
                  .require(rr("www", RrType::a, RrClass::in, 0, a(81)))
                  .change(add)
                  .run(z)
                  .rcode,
              Rcode::no_error);
    EXPECT_EQ(Update().require(rr("www", RrType::a, RrClass::in, 0, a(80))).change(add).run(z).rcode, Rcode::nx_rrset);
    // A failed prerequisite changes nothing.
    auto failed = Update().require(rr("nope", RrType::any, RrClass::any, 0, none)).change(add).run(z);
    EXPECT_FALSE(failed.zone);
}

TEST(Update, MalformedOrForeignUpdatesAreRefusedWhole)
{
    const Zone z = zone();
    const Record add = rr("new", RrType::a, RrClass::in, 300, a(7));
    EXPECT_EQ(Update()
                  .change(add)
                  .change(Record{Name::parse("www.example.org.").value(), RrType::a, RrClass::in, 300, a(1)})
                  .run(z)
                  .rcode,
              Rcode::not_zone);
    EXPECT_EQ(Update().require(rr("www", RrType::any, RrClass::any, 60, none)).run(z).rcode, Rcode::form_err);
    EXPECT_EQ(Update().change(rr("www", RrType::a, RrClass::any, 60, none)).run(z).rcode, Rcode::form_err);
    EXPECT_EQ(Update().change(rr("www", RrType::axfr, RrClass::in, 60, none)).run(z).rcode, Rcode::form_err);
    EXPECT_EQ(Update().change(rr("www", RrType::a, RrClass::ch, 60, a(1))).run(z).rcode, Rcode::form_err);
    Update no_zone;
    no_zone.m.questions.clear();
    EXPECT_EQ(no_zone.change(add).run(z).rcode, Rcode::form_err);
}

TEST(Update, GrantsLimitNamesAndTypes)
{
    UpdateGrant grant{Name::parse("ddns.").value(), {name("dyn")}, {RrType::a, RrType::txt}};
    const Zone z = zone();
    EXPECT_EQ(Update().change(rr("host.dyn", RrType::a, RrClass::in, 60, a(1))).run(z, grant).rcode, Rcode::no_error);
    EXPECT_EQ(Update().change(rr("www", RrType::a, RrClass::in, 60, a(1))).run(z, grant).rcode, Rcode::refused);
    EXPECT_EQ(Update().change(rr("host.dyn", RrType::mx, RrClass::in, 60, Mx{10, name("ns")})).run(z, grant).rcode,
              Rcode::refused);
    EXPECT_EQ(Update().change(rr("host.dyn", RrType::any, RrClass::any, 0, none)).run(z, grant).rcode, Rcode::refused);
    // One refused record refuses the whole update.
    auto r = Update()
                 .change(rr("host.dyn", RrType::a, RrClass::in, 60, a(1)))
                 .change(rr("www", RrType::a, RrClass::in, 60, a(1)))
                 .run(z, grant);
    EXPECT_EQ(r.rcode, Rcode::refused);
    EXPECT_FALSE(r.zone);
}

// Found by fuzz.dns_update: an addition without RDATA (a SOA of zero octets) is malformed, not a crash.
TEST(Update, AnAdditionWithoutDataIsFormErr)
{
    EXPECT_EQ(Update().change(rr("@", RrType::soa, RrClass::in, 60, none)).run(zone()).rcode, Rcode::form_err);
    EXPECT_EQ(Update().change(rr("x", RrType::txt, RrClass::in, 60, none)).run(zone()).rcode, Rcode::form_err);
}
