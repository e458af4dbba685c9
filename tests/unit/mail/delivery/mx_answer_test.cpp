// DNS replies as delivery reads them, through to plan_mx: NOERROR, NODATA (the implicit MX, RFC
// 5321 §5.1), NXDOMAIN, SERVFAIL and no reply; MX preference order; the null MX (RFC 7505).
#include "mail/delivery/mx_answer.hpp"

#include <gtest/gtest.h>

#include "mail/delivery/scheduler.hpp"

namespace layer7::mail::delivery {
namespace {

using mail::RecipientStatus;

dns::Name name(const std::string& text)
{
    return dns::Name::parse(text).value();
}

dns::Record record(const std::string& owner, dns::RrType type, dns::Rdata data)
{
    return {name(owner), type, dns::RrClass::in, 300, std::move(data)};
}

dns::Record mx(std::uint16_t preference, const std::string& exchange)
{
    return record("example.org.", dns::RrType::mx, dns::Mx{preference, name(exchange)});
}

dns::Record a(std::uint8_t last)
{
    return record("mx.example.org.", dns::RrType::a, dns::A{{192, 0, 2, last}});
}

DnsAnswer reply(dns::Rcode rcode, std::vector<dns::Record> answers = {})
{
    dns::Message m;
    m.flags.qr = true;
    m.rcode = rcode;
    m.answers = std::move(answers);
    return m;
}

const DnsAnswer no_reply = core::fail(dns::ResolveError::timed_out);

TEST(MxAnswer, HostsAreTriedByPreference)
{
    const MxAnswer answer =
        mx_answer(reply(dns::Rcode::no_error, {mx(20, "backup.example.org."), mx(10, "mail.example.org.")}));
    EXPECT_EQ(answer.status, LookupStatus::ok);
    EXPECT_EQ(answer.hosts, (std::vector<MxHost>{{20, "backup.example.org"}, {10, "mail.example.org"}}));
    const MxPlan plan = plan_mx("example.org", answer, 1);
    EXPECT_EQ(plan.hosts, (std::vector<std::string>{"mail.example.org", "backup.example.org"}));
    EXPECT_FALSE(plan.all);
}

TEST(MxAnswer, ACnameChainBeforeTheMxRecordsIsSkipped)
{
    const auto cname = record("alias.example.org.", dns::RrType::cname, dns::Cname{name("example.org.")});
    const MxAnswer answer = mx_answer(reply(dns::Rcode::no_error, {cname, mx(10, "mail.example.org.")}));
    EXPECT_EQ(answer.status, LookupStatus::ok);
    EXPECT_EQ(answer.hosts, (std::vector<MxHost>{{10, "mail.example.org"}}));
}

TEST(MxAnswer, NoDataMeansTheImplicitMxTheDomainItself)
{
    const MxAnswer answer = mx_answer(reply(dns::Rcode::no_error));
    EXPECT_EQ(answer.status, LookupStatus::no_data);
    EXPECT_EQ(plan_mx("example.org", answer, 1).hosts, (std::vector<std::string>{"example.org"}));
}

TEST(MxAnswer, NullMxFailsTheDomain)
{
    const MxAnswer answer = mx_answer(reply(dns::Rcode::no_error, {mx(0, ".")}));
    EXPECT_EQ(answer.hosts, (std::vector<MxHost>{{0, ""}}));
    const MxPlan plan = plan_mx("example.org", answer, 1);
    ASSERT_TRUE(plan.all);
    EXPECT_EQ(plan.all->status, RecipientStatus::failed);
    EXPECT_TRUE(plan.all->detail.starts_with("556 5.1.10 "));
}

TEST(MxAnswer, NxDomainFailsTheDomain)
{
    const MxAnswer answer = mx_answer(reply(dns::Rcode::nx_domain));
    EXPECT_EQ(answer.status, LookupStatus::no_domain);
    const MxPlan plan = plan_mx("example.org", answer, 1);
    ASSERT_TRUE(plan.all);
    EXPECT_EQ(plan.all->status, RecipientStatus::failed);
    EXPECT_EQ(plan.all->detail, "550 5.1.2 host or domain name not found: example.org");
}

TEST(MxAnswer, ServFailRefusedAndNoReplyAreTemporary)
{
    for (const DnsAnswer& answer : {reply(dns::Rcode::serv_fail), reply(dns::Rcode::refused), no_reply,
                                    DnsAnswer(core::fail(dns::ResolveError::servers_failed))}) {
        const MxAnswer mx = mx_answer(answer);
        EXPECT_EQ(mx.status, LookupStatus::temporary);
        const MxPlan plan = plan_mx("example.org", mx, 1);
        ASSERT_TRUE(plan.all);
        EXPECT_EQ(plan.all->status, RecipientStatus::pending);
    }
}

TEST(AddressAnswer, IPv4FirstThenIPv6)
{
    const auto aaaa = record("mx.example.org.", dns::RrType::aaaa,
                             dns::Aaaa{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}});
    const AddressAnswer answer =
        address_answer(reply(dns::Rcode::no_error, {a(1), a(2)}), reply(dns::Rcode::no_error, {aaaa}));
    EXPECT_EQ(answer.status, LookupStatus::ok);
    EXPECT_EQ(answer.addresses, (std::vector<std::string>{"192.0.2.1", "192.0.2.2", "2001:db8::1"}));
}

TEST(AddressAnswer, OneFamilyIsEnoughEvenWhenTheOtherFails)
{
    EXPECT_EQ(address_answer(reply(dns::Rcode::no_error, {a(7)}), no_reply).addresses,
              (std::vector<std::string>{"192.0.2.7"}));
    EXPECT_EQ(address_answer(reply(dns::Rcode::no_error, {a(7)}), reply(dns::Rcode::no_error)).status,
              LookupStatus::ok);
}

TEST(AddressAnswer, WithoutAnAddressTheRepliesSayWhy)
{
    EXPECT_EQ(address_answer(reply(dns::Rcode::nx_domain), reply(dns::Rcode::nx_domain)).status,
              LookupStatus::no_domain);
    EXPECT_EQ(address_answer(reply(dns::Rcode::no_error), reply(dns::Rcode::no_error)).status, LookupStatus::no_data);
    EXPECT_EQ(address_answer(reply(dns::Rcode::no_error), no_reply).status, LookupStatus::no_data);
    EXPECT_EQ(address_answer(no_reply, reply(dns::Rcode::serv_fail)).status, LookupStatus::temporary);
    EXPECT_TRUE(address_answer(no_reply, no_reply).addresses.empty());
}

}  // namespace
}  // namespace layer7::mail::delivery
