// take_query / make_reply: FORMERR, NOTIMP, REFUSED, BADVERS, drops, the client's case, EDNS, TC.
#include "dns/resolver/reply.hpp"

#include <gtest/gtest.h>

using namespace layer7::dns;
using namespace layer7::dns::resolver;

namespace {
Name n(std::string_view t)
{
    return Name::parse(t).value();
}
Message query(std::string_view name = "WwW.ExAmPlE.cOm.")
{
    Message q;
    q.id = 0x1234;
    q.flags.rd = true;
    q.questions.push_back({n(name), RrType::a, RrClass::in});
    return q;
}
Message decoded(const std::vector<std::uint8_t>& wire)
{
    auto m = decode(std::span<const std::uint8_t>(wire));
    EXPECT_TRUE(m.ok());
    return m.ok() ? std::move(m).value() : Message{};
}
}  // namespace

TEST(TakeQuery, AcceptsAQuestion)
{
    auto wire = encode(query());
    Incoming in = take_query(wire, true);
    EXPECT_EQ(in.action, Intake::resolve);
    EXPECT_EQ(in.query.id, 0x1234);
}

TEST(TakeQuery, RefusesClientsOutsideTheAcl)
{
    Incoming in = take_query(encode(query()), false);
    ASSERT_EQ(in.action, Intake::reply_now);
    Message r = decoded(in.wire);
    EXPECT_EQ(r.rcode, Rcode::refused);
    EXPECT_EQ(r.id, 0x1234);
    EXPECT_TRUE(r.answers.empty());
}

TEST(TakeQuery, ErrorsAndDrops)
{
    auto wire = encode(query());
    EXPECT_EQ(take_query(std::span(wire).first(11), true).action, Intake::drop);  // no header
    Message response = query();
    response.flags.qr = true;
    EXPECT_EQ(take_query(encode(response), true).action, Intake::drop);  // never answer a response

    auto truncated = wire;
    truncated.resize(wire.size() - 2);
    Incoming in = take_query(truncated, true);
    ASSERT_EQ(in.action, Intake::reply_now);
    EXPECT_EQ(decoded(in.wire).rcode, Rcode::form_err);
    EXPECT_EQ(decoded(in.wire).id, 0x1234);

    Message notify = query();
    notify.flags.opcode = Opcode::notify;
    EXPECT_EQ(decoded(take_query(encode(notify), true).wire).rcode, Rcode::not_imp);
    Message two = query();
    two.questions.push_back(two.questions[0]);
    EXPECT_EQ(decoded(take_query(encode(two), true).wire).rcode, Rcode::form_err);
    Message v1 = query();
    v1.edns = edns_of(1232, 1);
    Message bad_vers = decoded(take_query(encode(v1), true).wire);
    EXPECT_EQ(bad_vers.rcode, Rcode::bad_vers);
    EXPECT_TRUE(bad_vers.edns);
}

TEST(MakeReply, KeepsTheClientsCaseAndSetsRa)
{
    Message q = query();
    Message answer;
    answer.questions.push_back({n("www.example.com."), RrType::a, RrClass::in});
    answer.answers.push_back({n("www.example.com."), RrType::a, RrClass::in, 60, A{{192, 0, 2, 1}}});
    Message r = decoded(make_reply(q, answer, 512));
    EXPECT_EQ(r.id, 0x1234);
    EXPECT_TRUE(r.flags.qr && r.flags.ra && r.flags.rd);
    EXPECT_FALSE(r.flags.aa);
    EXPECT_EQ(r.questions[0].name.to_text(), "WwW.ExAmPlE.cOm.");
    EXPECT_EQ(r.answers.at(0).owner.to_text(), "WwW.ExAmPlE.cOm.");
    EXPECT_FALSE(r.edns);
}

TEST(MakeReply, TruncatesToTheClientsSize)
{
    Message q = query("big.example.");
    Message answer;
    for (std::uint8_t i = 0; i < 60; ++i)
        answer.answers.push_back({n("big.example."), RrType::a, RrClass::in, 60, A{{192, 0, 2, i}}});
    Message r = decoded(make_reply(q, answer, reply_size(q)));
    EXPECT_TRUE(r.flags.tc);
    q.edns = edns_of(4096);
    r = decoded(make_reply(q, answer, reply_size(q)));
    EXPECT_FALSE(r.flags.tc);
    EXPECT_EQ(r.answers.size(), 60u);
    EXPECT_EQ(r.edns->udp_size, 1232);
}

TEST(ReplySize, ClampsTheClientsEdnsSize)
{
    Message q = query();
    EXPECT_EQ(reply_size(q), 512u);
    q.edns = edns_of(100);
    EXPECT_EQ(reply_size(q), 512u);
    q.edns = edns_of(65000);
    EXPECT_EQ(reply_size(q), 4096u);
}
