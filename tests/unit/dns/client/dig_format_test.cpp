// dig's output, reply matching, root hints and the +trace step classification.
#include "dns/client/dig_format.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;

namespace {
Name n(std::string_view t)
{
    return Name::parse(t).value();
}
Record rr(std::string_view owner, Rdata data, std::uint32_t ttl = 3600)
{
    return Record{n(owner), type_of(data).value(), RrClass::in, ttl, std::move(data)};
}
Message reply_to(const Message& q)
{
    Message r;
    r.id = q.id;
    r.flags.qr = true;
    r.questions = q.questions;
    return r;
}
}  // namespace

TEST(DigFormat, QueryHasRdAndEdnsPerOptions)
{
    DigOptions o;
    auto q = make_query(n("www.crepes.fr."), RrType::a, 77, o);
    EXPECT_EQ(q.id, 77);
    EXPECT_TRUE(q.flags.rd);
    ASSERT_TRUE(q.edns);
    EXPECT_EQ(q.edns->udp_size, 1232);
    o.recurse = false;
    o.edns = false;
    auto plain = make_query(n("www.crepes.fr."), RrType::a, 77, o);
    EXPECT_FALSE(plain.flags.rd);
    EXPECT_FALSE(plain.edns);
}

TEST(DigFormat, MatchesNeedsIdQuestionAndQr)
{
    DigOptions o;
    auto q = make_query(n("www.crepes.fr."), RrType::a, 77, o);
    auto r = reply_to(q);
    EXPECT_TRUE(matches(q, r));
    r.questions[0].name = n("WWW.Crepes.FR.");
    EXPECT_TRUE(matches(q, r));  // case does not matter
    auto wrong_id = reply_to(q);
    wrong_id.id = 78;
    EXPECT_FALSE(matches(q, wrong_id));
    auto wrong_q = reply_to(q);
    wrong_q.questions[0].type = RrType::mx;
    EXPECT_FALSE(matches(q, wrong_q));
    auto not_reply = reply_to(q);
    not_reply.flags.qr = false;
    EXPECT_FALSE(matches(q, not_reply));
    auto formerr = reply_to(q);
    formerr.questions.clear();
    EXPECT_FALSE(matches(q, formerr));
    formerr.rcode = Rcode::form_err;
    EXPECT_TRUE(matches(q, formerr));
}

TEST(DigFormat, ReplyLooksLikeDig)
{
    DigOptions o;
    auto r = reply_to(make_query(n("www.crepes.fr."), RrType::a, 4321, o));
    r.flags.aa = true;
    r.answers.push_back(rr("www.crepes.fr.", A{{127, 0, 0, 1}}));
    auto text = format_reply(
        r, {.server = "127.0.0.1", .port = 5300, .tcp = false, .elapsed_ms = 3, .size = 60, .when = "now"});
    EXPECT_NE(text.find(";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4321"), std::string::npos) << text;
    EXPECT_NE(text.find(";; flags: qr aa; QUERY: 1, ANSWER: 1"), std::string::npos) << text;
    EXPECT_NE(text.find(";; ANSWER SECTION:\nwww.crepes.fr.\t3600\tIN\tA\t127.0.0.1"), std::string::npos);
    EXPECT_NE(text.find(";; Query time: 3 msec"), std::string::npos);
    EXPECT_NE(text.find(";; SERVER: 127.0.0.1#5300(127.0.0.1) (UDP)"), std::string::npos);
    EXPECT_NE(text.find(";; MSG SIZE  rcvd: 60"), std::string::npos);
    EXPECT_EQ(format_short(r), "127.0.0.1\n");
}

TEST(DigFormat, RootHints)
{
    auto hints = parse_root_hints(R"(; comment
.                        3600000      NS    A.ROOT-SERVERS.NET.
A.ROOT-SERVERS.NET.      3600000      A     198.41.0.4
A.ROOT-SERVERS.NET.      3600000      AAAA  2001:503:ba3e::2:30
.                        3600000 IN   NS    B.ROOT-SERVERS.NET.
B.ROOT-SERVERS.NET.      3600000      A     170.247.170.2
.                        3600000      NS    C.ROOT-SERVERS.NET.
)");
    ASSERT_TRUE(hints.ok()) << hints.error();
    ASSERT_EQ(hints.value().size(), 2u);  // C has no address
    EXPECT_EQ(hints.value()[0].name, n("a.root-servers.net."));
    EXPECT_EQ(hints.value()[0].addresses, (std::vector<std::string>{"198.41.0.4", "2001:503:ba3e::2:30"}));
    EXPECT_FALSE(parse_root_hints("; nothing\n").ok());
    EXPECT_FALSE(parse_root_hints(". NS\n").ok());
}

TEST(DigFormat, ClassifyReferralAnswerAndLame)
{
    DigOptions o;
    auto q = make_query(n("gaia.cs.umass.edu."), RrType::a, 1, o);
    auto referral = reply_to(q);
    referral.authority.push_back(rr("edu.", Ns{n("a.edu-servers.edu.")}));
    referral.additional.push_back(rr("a.edu-servers.edu.", A{{127, 0, 0, 5}}));
    referral.additional.push_back(rr("evil.example.", A{{6, 6, 6, 6}}));
    auto step = classify(referral, n("gaia.cs.umass.edu."), Name::root());
    ASSERT_EQ(step.kind, StepKind::referral);
    EXPECT_EQ(step.zone, n("edu."));
    ASSERT_EQ(step.next.size(), 1u);
    EXPECT_EQ(step.next[0].addresses, (std::vector<std::string>{"127.0.0.5"}));

    // The same referral from edu. itself would not move down: lame.
    EXPECT_EQ(classify(referral, n("gaia.cs.umass.edu."), n("edu.")).kind, StepKind::lame);
    // A referral sideways (to a zone not above the name) is lame too.
    auto sideways = reply_to(q);
    sideways.authority.push_back(rr("com.", Ns{n("a.gtld.com.")}));
    EXPECT_EQ(classify(sideways, n("gaia.cs.umass.edu."), Name::root()).kind, StepKind::lame);

    auto answer = reply_to(q);
    answer.flags.aa = true;
    answer.answers.push_back(rr("gaia.cs.umass.edu.", A{{128, 119, 245, 12}}));
    EXPECT_EQ(classify(answer, n("gaia.cs.umass.edu."), n("cs.umass.edu.")).kind, StepKind::answer);
    auto nx = reply_to(q);
    nx.rcode = Rcode::nx_domain;
    EXPECT_EQ(classify(nx, n("gaia.cs.umass.edu."), n("umass.edu.")).kind, StepKind::answer);
    auto refused = reply_to(q);
    refused.rcode = Rcode::refused;
    EXPECT_EQ(classify(refused, n("gaia.cs.umass.edu."), n("umass.edu.")).kind, StepKind::lame);
}

TEST(DigFormat, TraceStepLine)
{
    Message r;
    r.authority.push_back(rr("edu.", Ns{n("a.edu-servers.edu.")}, 172800));
    auto text = format_trace_step(r, "127.0.0.2", 53, "a.root-servers.test.", 120, 1);
    EXPECT_EQ(text,
              "edu.\t172800\tIN\tNS\ta.edu-servers.edu.\n"
              ";; Received 120 bytes from 127.0.0.2#53(a.root-servers.test.) in 1 ms\n\n");
}

namespace {
Record soa(std::uint32_t serial)
{
    return rr("example.test.",
              Soa{.mname = n("ns.example.test."), .rname = n("admin.example.test."), .serial = serial});
}
Record a_record(std::string_view owner)
{
    return rr(owner, A{{192, 0, 2, 1}});
}
}  // namespace

// RFC 5936 §2.2: an AXFR ends with the SOA again, however the records are cut into messages.
TEST(TransferEnd, AxfrEndsAtTheSecondSoa)
{
    TransferEnd one(RrType::axfr);
    EXPECT_TRUE(one.add({soa(5), a_record("a.example.test."), soa(5)}));
    TransferEnd split(RrType::axfr);
    EXPECT_FALSE(split.add({soa(5)}));  // a first message holding the SOA alone: more to come
    EXPECT_FALSE(split.add({a_record("a.example.test.")}));
    EXPECT_TRUE(split.add({a_record("b.example.test."), soa(5)}));
    TransferEnd bare(RrType::axfr);
    EXPECT_TRUE(bare.add({soa(5), soa(5)}));  // a zone of its SOA only
    TransferEnd junk(RrType::axfr);
    EXPECT_TRUE(junk.add({a_record("a.example.test.")}));  // not a transfer: stop reading
}

// RFC 1995 §4: full (AXFR-style), incremental (new serial three times) and "you are current".
TEST(TransferEnd, IxfrForms)
{
    TransferEnd full(RrType::ixfr);
    EXPECT_FALSE(full.add({soa(3), a_record("a.example.test.")}));
    EXPECT_TRUE(full.add({soa(3)}));
    TransferEnd incremental(RrType::ixfr);
    EXPECT_FALSE(incremental.add({soa(3), soa(1), a_record("old.example.test."), soa(3)}));
    EXPECT_TRUE(incremental.add({a_record("new.example.test."), soa(3)}));
    TransferEnd current(RrType::ixfr);
    EXPECT_TRUE(current.add({soa(3)}));
}

TEST(DigFormat, TransferLooksLikeDig)
{
    Message r;
    r.flags.qr = true;
    r.answers = {soa(5), a_record("a.example.test."), soa(5)};
    ReplyInfo info{.server = "127.0.0.1", .port = 5300, .tcp = true, .elapsed_ms = 3, .size = 200, .when = ""};
    const std::string out = format_transfer(r, info, 2);
    EXPECT_NE(out.find("a.example.test.\t3600\tIN\tA\t192.0.2.1\n"), std::string::npos) << out;
    EXPECT_NE(out.find(";; SERVER: 127.0.0.1#5300(127.0.0.1) (TCP)\n"), std::string::npos) << out;
    EXPECT_NE(out.find(";; XFR size: 3 records (messages 2, bytes 200)\n"), std::string::npos) << out;
    r.rcode = Rcode::refused;
    EXPECT_EQ(format_transfer(r, info, 1), "; Transfer failed.\n");
}
