// classify() and answers_query(): each kind of response, bailiwick scrubbing, spoof checks.
#include "dns/resolver/classify.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;
using namespace layer7::dns::resolver;

namespace {
Name n(std::string_view t)
{
    return Name::parse(t).value();
}
Record rr(std::string_view owner, Rdata data, std::uint32_t ttl = 300)
{
    return {n(owner), *type_of(data), RrClass::in, ttl, std::move(data)};
}
Record soa_rr(std::string_view zone)
{
    return rr(zone, Soa{n("ns.example.com."), n("h.example.com."), 1, 2, 3, 4, 60});
}
Message reply(Rcode rcode = Rcode::no_error, bool aa = true)
{
    Message m;
    m.id = 1;
    m.flags.qr = true;
    m.flags.aa = aa;
    m.rcode = rcode;
    m.questions.push_back({n("www.example.com."), RrType::a, RrClass::in});
    return m;
}
const Question q{n("www.example.com."), RrType::a, RrClass::in};
const A addr{{192, 0, 2, 1}};
}  // namespace

TEST(Classify, Answer)
{
    Message m = reply();
    m.answers.push_back(rr("www.example.com.", addr));
    auto c = classify(m, q, n("example.com."));
    EXPECT_EQ(c.kind, ResponseKind::answer);
    EXPECT_EQ(c.answer.size(), 1u);
    EXPECT_TRUE(c.authoritative);
}

TEST(Classify, CnameChainInsideTheResponse)
{
    Message m = reply();
    m.answers.push_back(rr("www.example.com.", Cname{n("web.example.com.")}));
    m.answers.push_back(rr("web.example.com.", Cname{n("host.example.com.")}));
    m.answers.push_back(rr("host.example.com.", addr));
    auto c = classify(m, q, n("example.com."));
    EXPECT_EQ(c.kind, ResponseKind::answer);
    EXPECT_EQ(c.chain.size(), 2u);
    EXPECT_EQ(c.target, n("host.example.com."));
}

TEST(Classify, CnameLeavingTheZoneIsFollowedAfresh)
{
    Message m = reply();
    m.answers.push_back(rr("www.example.com.", Cname{n("www.example.net.")}));
    m.answers.push_back(rr("www.example.net.", A{{6, 6, 6, 6}}));  // not example.com's to say
    auto c = classify(m, q, n("example.com."));
    EXPECT_EQ(c.kind, ResponseKind::cname);
    EXPECT_EQ(c.target, n("www.example.net."));
    EXPECT_TRUE(c.answer.empty());
    EXPECT_EQ(c.out_of_bailiwick, 1u);
}

TEST(Classify, CnameChainBound)
{
    Message m = reply();
    std::string name = "www.example.com.";
    for (int i = 0; i < 10; ++i) {
        std::string next = "c" + std::to_string(i) + ".example.com.";
        m.answers.push_back(rr(name, Cname{n(next)}));
        name = next;
    }
    m.answers.push_back(rr(name, addr));
    EXPECT_EQ(classify(m, q, n("example.com."), {.max_chain = 10}).kind, ResponseKind::answer);
    auto c = classify(m, q, n("example.com."), {.max_chain = 9});
    EXPECT_EQ(c.kind, ResponseKind::cname);
    EXPECT_EQ(c.chain.size(), 9u);
}

TEST(Classify, NxDomainAndNoData)
{
    Message nx = reply(Rcode::nx_domain);
    nx.authority.push_back(soa_rr("example.com."));
    auto c = classify(nx, q, n("example.com."));
    EXPECT_EQ(c.kind, ResponseKind::nx_domain);
    ASSERT_TRUE(c.soa);

    Message nodata = reply();
    nodata.authority.push_back(soa_rr("example.com."));
    EXPECT_EQ(classify(nodata, q, n("example.com.")).kind, ResponseKind::no_data);
    // An SOA of another zone does not make a negative answer about ours.
    Message foreign = reply(Rcode::nx_domain);
    foreign.authority.push_back(soa_rr("other.com."));
    c = classify(foreign, q, n("com."));
    EXPECT_EQ(c.kind, ResponseKind::nx_domain);
    EXPECT_FALSE(c.soa);
}

TEST(Classify, ReferralWithGlue)
{
    Message m = reply(Rcode::no_error, false);
    m.authority.push_back(rr("example.com.", Ns{n("ns1.example.com.")}));
    m.authority.push_back(rr("example.com.", Ns{n("ns.other.net.")}));
    m.additional.push_back(rr("ns1.example.com.", A{{192, 0, 2, 53}}));
    m.additional.push_back(rr("unrelated.com.", A{{6, 6, 6, 6}}));  // in bailiwick, but no NS names it
    auto c = classify(m, q, n("com."));
    EXPECT_EQ(c.kind, ResponseKind::referral);
    EXPECT_EQ(c.cut, n("example.com."));
    EXPECT_EQ(c.ns.size(), 2u);
    ASSERT_EQ(c.glue.size(), 1u);
    EXPECT_EQ(c.glue[0].owner, n("ns1.example.com."));
}

TEST(Classify, UpwardOrSidewaysReferralIsLame)
{
    Message up = reply(Rcode::no_error, false);
    up.authority.push_back(rr("com.", Ns{n("a.gtld.net.")}));
    EXPECT_EQ(classify(up, q, n("example.com.")).kind, ResponseKind::lame);
    Message sideways = reply(Rcode::no_error, false);
    sideways.authority.push_back(rr("other.com.", Ns{n("ns.other.com.")}));
    EXPECT_EQ(classify(sideways, q, n("com.")).kind, ResponseKind::lame);
}

TEST(Classify, ErrorRcodesAndTruncationAreLame)
{
    for (Rcode r : {Rcode::serv_fail, Rcode::refused, Rcode::not_imp, Rcode::form_err})
        EXPECT_EQ(classify(reply(r), q, n("example.com.")).kind, ResponseKind::lame);
    Message tc = reply();
    tc.flags.tc = true;
    EXPECT_EQ(classify(tc, q, n("example.com.")).kind, ResponseKind::lame);
}

TEST(Classify, EmptyAuthoritativeIsNoDataEmptyOtherwiseLame)
{
    EXPECT_EQ(classify(reply(Rcode::no_error, true), q, n("example.com.")).kind, ResponseKind::no_data);
    EXPECT_EQ(classify(reply(Rcode::no_error, false), q, n("example.com.")).kind, ResponseKind::lame);
}

TEST(Classify, OutOfBailiwickAnswerIsDropped)
{
    Message m = reply();
    m.answers.push_back(rr("www.example.com.", addr));
    auto c = classify(m, q, n("example.net."));  // we asked example.net's server
    EXPECT_EQ(c.kind, ResponseKind::lame);
    EXPECT_EQ(c.out_of_bailiwick, 1u);
}

TEST(AnswersQuery, IdQuestionAndQrMustMatch)
{
    Message query;
    query.id = 1;
    query.questions.push_back(q);
    Message good = reply();
    EXPECT_TRUE(answers_query(query, good));
    good.questions[0].name = n("WWW.EXAMPLE.com.");  // case does not matter (RFC 4343)
    EXPECT_TRUE(answers_query(query, good));
    Message wrong_id = reply();
    wrong_id.id = 2;
    EXPECT_FALSE(answers_query(query, wrong_id));
    Message wrong_q = reply();
    wrong_q.questions[0].name = n("evil.example.com.");
    EXPECT_FALSE(answers_query(query, wrong_q));
    Message wrong_type = reply();
    wrong_type.questions[0].type = RrType::aaaa;
    EXPECT_FALSE(answers_query(query, wrong_type));
    Message not_response = reply();
    not_response.flags.qr = false;
    EXPECT_FALSE(answers_query(query, not_response));
    Message no_question = reply();
    no_question.questions.clear();
    EXPECT_FALSE(answers_query(query, no_question));
}

TEST(GroupRRsets, KeepsFirstSeenOrder)
{
    std::vector<Record> records{rr("a.example.", addr), rr("b.example.", addr), rr("A.example.", A{{1, 2, 3, 4}})};
    auto sets = group_rrsets(records);
    ASSERT_EQ(sets.size(), 2u);
    EXPECT_EQ(sets[0].size(), 2u);
}
