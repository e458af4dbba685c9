// answer(): positive, referral, NXDOMAIN/NODATA, CNAME chains, wildcards, ANY, errors, EDNS.
#include "dns/authority/answer.hpp"

#include <gtest/gtest.h>

#include "textbook_zones.hpp"

using namespace layer7::dns;

namespace {
Name n(std::string_view t)
{
    return Name::parse(t).value();
}
Message query(std::string_view name, RrType type)
{
    Message q;
    q.id = 0xbeef;
    q.flags.rd = true;
    q.questions.push_back({n(name), type, RrClass::in});
    return q;
}
std::vector<std::string> lines(const std::vector<Record>& records)
{
    std::vector<std::string> out;
    for (auto& r : records)
        out.push_back(to_text(r));
    return out;
}

class Answer : public ::testing::Test {
protected:
    ZoneSet zones = textbook_zones();
    Message ask(std::string_view name, RrType type) { return answer(query(name, type), zones); }
};
}  // namespace

TEST_F(Answer, AuthoritativeA)
{
    Message r = ask("www.networkutopia.com.", RrType::a);
    EXPECT_EQ(r.id, 0xbeef);
    EXPECT_TRUE(r.flags.qr);
    EXPECT_TRUE(r.flags.aa);
    EXPECT_TRUE(r.flags.rd);
    EXPECT_FALSE(r.flags.ra);
    EXPECT_EQ(r.rcode, Rcode::no_error);
    EXPECT_EQ(lines(r.answers), (std::vector<std::string>{"www.networkutopia.com.\t3600\tIN\tA\t212.212.212.80"}));
    EXPECT_TRUE(r.authority.empty());
    EXPECT_FALSE(r.edns);
}

TEST_F(Answer, MxGetsAddressesInAdditional)
{
    Message r = ask("networkutopia.com.", RrType::mx);
    ASSERT_EQ(r.answers.size(), 1u);
    EXPECT_EQ(lines(r.additional), (std::vector<std::string>{"mail.networkutopia.com.\t3600\tIN\tA\t212.212.212.25",
                                                             "mail.networkutopia.com.\t3600\tIN\tAAAA\t2001:db8::25"}));
    Message srv = ask("_http._tcp.networkutopia.com.", RrType::srv);
    EXPECT_EQ(srv.additional.size(), 1u);
    Message ns = ask("networkutopia.com.", RrType::ns);
    EXPECT_EQ(ns.answers.size(), 2u);
    EXPECT_EQ(ns.additional.size(), 2u);
}

TEST_F(Answer, NxdomainAndNodataCarryTheSoaWithNegativeTtl)
{
    Message nx = ask("nothing.networkutopia.com.", RrType::a);
    EXPECT_EQ(nx.rcode, Rcode::nx_domain);
    EXPECT_TRUE(nx.flags.aa);
    ASSERT_EQ(nx.authority.size(), 1u);
    EXPECT_EQ(nx.authority[0].type, RrType::soa);
    EXPECT_EQ(nx.authority[0].ttl, 300u);  // min(3600, minimum 300), RFC 2308 §3
    Message nodata = ask("www.networkutopia.com.", RrType::mx);
    EXPECT_EQ(nodata.rcode, Rcode::no_error);
    EXPECT_TRUE(nodata.answers.empty());
    ASSERT_EQ(nodata.authority.size(), 1u);
    EXPECT_EQ(nodata.authority[0].type, RrType::soa);
    Message ent = ask("b.networkutopia.com.", RrType::a);  // empty non-terminal: NODATA, not NXDOMAIN
    EXPECT_EQ(ent.rcode, Rcode::no_error);
    EXPECT_EQ(ent.authority.size(), 1u);
}

TEST_F(Answer, CnameChainsFollowedInZoneAndBounded)
{
    Message r = ask("alias.networkutopia.com.", RrType::a);
    EXPECT_EQ(r.answers.size(), 3u);  // alias → ftp → www A
    EXPECT_EQ(r.answers.back().type, RrType::a);
    Message cname = ask("alias.networkutopia.com.", RrType::cname);
    EXPECT_EQ(cname.answers.size(), 1u);  // asked for the CNAME itself
    Message loop = ask("loop1.networkutopia.com.", RrType::a);
    EXPECT_EQ(loop.rcode, Rcode::no_error);
    EXPECT_EQ(loop.answers.size(), 2u);
    Message out = ask("out.networkutopia.com.", RrType::a);
    EXPECT_EQ(out.answers.size(), 1u);  // other zone: left to the resolver
    EXPECT_TRUE(out.flags.aa);
    Message capped = answer(query("alias.networkutopia.com.", RrType::a), zones, {.max_cname_chain = 1});
    EXPECT_EQ(capped.answers.size(), 1u);
}

TEST_F(Answer, WildcardSynthesis)
{
    Message r = ask("host7.dyn.networkutopia.com.", RrType::a);
    EXPECT_EQ(lines(r.answers),
              (std::vector<std::string>{"host7.dyn.networkutopia.com.\t3600\tIN\tA\t212.212.212.99"}));
    Message mx = ask("x.y.dyn.networkutopia.com.", RrType::mx);
    ASSERT_EQ(mx.answers.size(), 1u);
    EXPECT_EQ(mx.answers[0].owner, n("x.y.dyn.networkutopia.com."));
    EXPECT_EQ(mx.additional.size(), 2u);
    Message nodata = ask("host7.dyn.networkutopia.com.", RrType::txt);
    EXPECT_EQ(nodata.rcode, Rcode::no_error);
    EXPECT_EQ(nodata.authority.size(), 1u);
}

TEST_F(Answer, ReferralAtDelegation)
{
    for (auto name : {"host.eng.networkutopia.com.", "eng.networkutopia.com."}) {
        Message r = ask(name, RrType::a);
        EXPECT_EQ(r.rcode, Rcode::no_error);
        EXPECT_FALSE(r.flags.aa);
        EXPECT_TRUE(r.answers.empty());
        EXPECT_EQ(r.authority.size(), 2u);
        EXPECT_EQ(lines(r.additional),
                  (std::vector<std::string>{"dns.eng.networkutopia.com.\t3600\tIN\tA\t212.212.212.53"}));
    }
}

TEST_F(Answer, AnyIsMinimal)
{
    Message r = ask("mail.networkutopia.com.", RrType::any);
    ASSERT_EQ(r.answers.size(), 1u);  // one RRset (RFC 8482 §4.2)
    EXPECT_EQ(r.answers[0].type, RrType::a);
}

TEST_F(Answer, ErrorReplies)
{
    EXPECT_EQ(ask("www.crepes.fr.", RrType::a).rcode, Rcode::refused);
    EXPECT_FALSE(ask("www.crepes.fr.", RrType::a).flags.aa);
    Message status = query("www.networkutopia.com.", RrType::a);
    status.flags.opcode = Opcode::status;
    EXPECT_EQ(answer(status, zones).rcode, Rcode::not_imp);
    Message none = query("x.", RrType::a);
    none.questions.clear();
    EXPECT_EQ(answer(none, zones).rcode, Rcode::form_err);
    Message two = query("www.networkutopia.com.", RrType::a);
    two.questions.push_back(two.questions.front());
    EXPECT_EQ(answer(two, zones).rcode, Rcode::form_err);
    EXPECT_EQ(ask("networkutopia.com.", RrType::axfr).rcode, Rcode::not_imp);
    Message chaos = query("version.bind.", RrType::txt);
    chaos.questions[0].klass = RrClass::ch;
    EXPECT_EQ(answer(chaos, zones).rcode, Rcode::refused);
}

TEST_F(Answer, EdnsCdAndCase)
{
    Message q = query("WWW.NetworkUtopia.com.", RrType::a);
    q.flags.cd = true;
    q.edns = Edns{.udp_size = 4096, .version = 0, .do_bit = true, .options = {}};
    Message r = answer(q, zones);
    ASSERT_TRUE(r.edns);
    EXPECT_EQ(r.edns->udp_size, 1232);
    EXPECT_TRUE(r.edns->do_bit);
    EXPECT_TRUE(r.flags.cd);
    EXPECT_EQ(r.questions[0].name.to_text(), "WWW.NetworkUtopia.com.");
    q.edns->version = 1;
    Message bad = answer(q, zones);
    EXPECT_EQ(bad.rcode, Rcode::bad_vers);
    auto wire = decode(encode(bad, udp_reply_size(q)));
    ASSERT_TRUE(wire.ok());
    EXPECT_EQ(wire->rcode, Rcode::bad_vers);  // extended rcode travels in the OPT
}

TEST(UdpReplySize, ClampsClientSize)
{
    Message q;
    EXPECT_EQ(udp_reply_size(q), 512u);
    for (auto [asked, got] : {std::pair{100, 512},
                              {511, 512},
                              {512, 512},
                              {1232, 1232},
                              {4095, 4095},
                              {4096, 4096},
                              {4097, 4096},
                              {65535, 4096}}) {
        q.edns = Edns{.udp_size = static_cast<std::uint16_t>(asked), .version = 0, .do_bit = false, .options = {}};
        EXPECT_EQ(udp_reply_size(q), static_cast<std::size_t>(got)) << asked;
    }
}

// RD, CD and DO belong to QUERY; NOTIMP to another opcode does not echo them (as NSD and BIND).
TEST_F(Answer, OtherOpcodesGetNotimpWithoutQueryBits)
{
    for (Opcode opcode : {Opcode::iquery, Opcode::status, Opcode::notify, Opcode::update, Opcode{3}, Opcode{15}}) {
        Message q = query("www.networkutopia.com.", RrType::a);
        q.flags.opcode = opcode;
        q.flags.cd = true;
        q.edns = Edns{.udp_size = 4096, .version = 0, .do_bit = true, .options = {}};
        Message r = answer(q, zones);
        EXPECT_EQ(r.rcode, Rcode::not_imp);
        EXPECT_EQ(r.flags.opcode, opcode);
        EXPECT_FALSE(r.flags.rd);
        EXPECT_FALSE(r.flags.cd);
        ASSERT_TRUE(r.edns.has_value());
        EXPECT_FALSE(r.edns->do_bit);
    }
    Message q = query("www.networkutopia.com.", RrType::a);  // QUERY still echoes them
    q.flags.cd = true;
    Message r = answer(q, zones);
    EXPECT_TRUE(r.flags.rd && r.flags.cd);
}

// RFC 1995 §2: IXFR over UDP gets the zone's SOA alone (current, or ask again on TCP).
TEST_F(Answer, IxfrOverUdpIsTheSoaAlone)
{
    Message r = ask("networkutopia.com.", RrType::ixfr);
    EXPECT_EQ(r.rcode, Rcode::no_error);
    EXPECT_TRUE(r.flags.aa);
    ASSERT_EQ(r.answers.size(), 1u);
    EXPECT_EQ(r.answers[0].type, RrType::soa);
    EXPECT_EQ(ask("www.networkutopia.com.", RrType::ixfr).rcode, Rcode::not_auth);
    EXPECT_EQ(ask("crepes.fr.", RrType::ixfr).rcode, Rcode::refused);
}
