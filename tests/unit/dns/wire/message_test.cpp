// Message decode / encode: a dig query, EDNS, limits, truncation by RRsets with OPT kept, text.
#include "dns/wire/message.hpp"

#include <gtest/gtest.h>

#include "../../hex.hpp"

using namespace layer7;
using namespace layer7::dns;

namespace {
// What `dig www.example.com` sends: RD+AD, one question, OPT with udp 1232 and a client cookie.
const char* dig_query =
    "12 34 01 20 00 01 00 00 00 00 00 01"
    "03 77 77 77 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 00 01 00 01"
    "00 00 29 04 d0 00 00 00 00 00 0c 00 0a 00 08 01 02 03 04 05 06 07 08";

Name n(std::string_view t)
{
    return Name::parse(t).value();
}
Record a_record(std::string_view owner, std::uint8_t last)
{
    return Record{n(owner), RrType::a, RrClass::in, 300, A{{192, 0, 2, last}}};
}
}  // namespace

TEST(Message, DecodesDigQuery)
{
    auto m = decode(from_hex(dig_query));
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->id, 0x1234);
    EXPECT_TRUE(m->flags.rd);
    EXPECT_TRUE(m->flags.ad);
    EXPECT_FALSE(m->flags.qr);
    ASSERT_EQ(m->questions.size(), 1u);
    EXPECT_EQ(m->questions[0].name, n("www.example.com."));
    ASSERT_TRUE(m->edns);
    EXPECT_EQ(m->edns->udp_size, 1232);
    ASSERT_EQ(m->edns->options.size(), 1u);
    EXPECT_EQ(m->edns->options[0].code, 10);  // COOKIE
    EXPECT_TRUE(m->additional.empty());       // OPT is lifted out
    EXPECT_EQ(encode(*m), from_hex(dig_query));
}

TEST(Message, PeekHeader)
{
    auto h = peek_header(from_hex(dig_query));
    ASSERT_TRUE(h);
    EXPECT_EQ(h->id, 0x1234);
    EXPECT_EQ(h->qdcount, 1);
    EXPECT_EQ(h->arcount, 1);
    EXPECT_FALSE(peek_header(from_hex("12 34 01 20 00 01 00 00 00 00 00")));
    EXPECT_EQ(decode(from_hex("12 34")).error(), DecodeError::short_header);
}

TEST(Message, ExtendedRcodeAndOptRules)
{
    Message m;
    m.rcode = Rcode::bad_vers;
    m.edns = Edns{};
    auto back = decode(encode(m));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->rcode, Rcode::bad_vers);
    // OPT in the answer section, two OPTs, OPT not at the root.
    EXPECT_EQ(decode(from_hex("00 00 00 00 00 00 00 01 00 00 00 00 00 00 29 02 00 00 00 00 00 00 00")).error(),
              DecodeError::bad_opt);
    EXPECT_EQ(decode(from_hex("00 00 00 00 00 00 00 00 00 00 00 02"
                              "00 00 29 02 00 00 00 00 00 00 00  00 00 29 02 00 00 00 00 00 00 00"))
                  .error(),
              DecodeError::bad_opt);
    EXPECT_EQ(decode(from_hex("00 00 00 00 00 00 00 00 00 00 00 01 01 61 00 00 29 02 00 00 00 00 00 00 00")).error(),
              DecodeError::bad_opt);
    // An option running past RDLENGTH.
    EXPECT_EQ(
        decode(from_hex("00 00 00 00 00 00 00 00 00 00 00 01 00 00 29 02 00 00 00 00 00 00 04 00 0a 00 09")).error(),
        DecodeError::bad_opt);
}

TEST(Message, TrailingBytesAndShortSections)
{
    auto wire = from_hex(dig_query);
    wire.push_back(0);
    EXPECT_EQ(decode(wire).error(), DecodeError::trailing_bytes);
    auto cut = from_hex(dig_query);
    cut.resize(30);
    EXPECT_EQ(decode(cut).error(), DecodeError::short_message);
}

TEST(Message, MaxRecordsAtLimitMinusOneLimitAndPlusOne)
{
    Message m;
    for (int i = 0; i < 5; ++i)
        m.answers.push_back(a_record("a.example.", static_cast<std::uint8_t>(i)));
    auto wire = encode(m);
    EXPECT_EQ(decode(wire, {.max_records = 4}).error(), DecodeError::too_many_records);
    EXPECT_TRUE(decode(wire, {.max_records = 5}).ok());
    EXPECT_TRUE(decode(wire, {.max_records = 6}).ok());
}

TEST(Message, RoundTripKeepsEverythingAndCompresses)
{
    Message m;
    m.id = 7;
    m.flags = {.qr = true, .opcode = Opcode::query, .aa = true, .rd = true, .cd = true};
    m.questions.push_back({n("Mail.Example.com."), RrType::mx, RrClass::in});
    m.answers.push_back({n("Mail.Example.com."), RrType::mx, RrClass::in, 60, Mx{10, n("mx.Example.com.")}});
    m.authority.push_back({n("Example.com."), RrType::ns, RrClass::in, 60, Ns{n("ns.example.com.")}});
    m.additional.push_back(a_record("mx.Example.com.", 1));
    m.edns = Edns{.udp_size = 4096, .version = 0, .do_bit = true, .options = {}};
    auto wire = encode(m);
    auto back = decode(wire);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, m);
    EXPECT_EQ(back->answers[0].owner.to_text(), "Mail.Example.com.");  // case kept
    EXPECT_LT(wire.size(), 110u);                                      // pointers were used
}

TEST(Message, TruncationDropsWholeRrsetsKeepsOptSetsTc)
{
    Message m;
    m.flags.qr = true;
    m.questions.push_back({n("big.example."), RrType::a, RrClass::in});
    for (int i = 0; i < 40; ++i)
        m.answers.push_back(a_record("big.example.", static_cast<std::uint8_t>(i)));
    m.edns = Edns{};
    auto full = encode(m, 65535);
    ASSERT_GT(full.size(), 512u);
    auto small = decode(encode(m, 512));
    ASSERT_TRUE(small.ok());
    EXPECT_TRUE(small->flags.tc);
    EXPECT_TRUE(small->answers.empty());  // one RRset: all or nothing
    EXPECT_TRUE(small->edns.has_value());
    EXPECT_EQ(small->questions.size(), 1u);
    // At exactly the full size nothing is dropped; one octet less drops the RRset.
    EXPECT_FALSE(decode(encode(m, full.size()))->flags.tc);
    EXPECT_TRUE(decode(encode(m, full.size() - 1))->flags.tc);
    EXPECT_EQ(encode(m, full.size() + 1), full);
}

TEST(Message, TruncationOrderAdditionalFirstWithoutTc)
{
    Message m;
    m.flags.qr = true;
    m.questions.push_back({n("www.example."), RrType::a, RrClass::in});
    m.answers.push_back(a_record("www.example.", 1));
    m.authority.push_back({n("example."), RrType::ns, RrClass::in, 300, Ns{n("ns.example.")}});
    m.additional.push_back(a_record("ns.example.", 2));
    m.additional.push_back(a_record("ns2.example.", 3));
    auto full = encode(m);
    auto r = decode(encode(m, full.size() - 1));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->additional.size(), 1u);
    EXPECT_FALSE(r->flags.tc);  // RFC 2181 §9: only extra data was lost
    auto r2 = decode(encode(m, 60));
    EXPECT_TRUE(r2->flags.tc);
}

TEST(Message, TextLikeDig)
{
    Message m;
    m.id = 4242;
    m.flags = {.qr = true, .aa = true, .rd = true};
    m.questions.push_back({n("www.example.com."), RrType::a, RrClass::in});
    m.answers.push_back({n("www.example.com."), RrType::a, RrClass::in, 3600, A{{192, 0, 2, 1}}});
    m.edns = Edns{};
    EXPECT_EQ(to_text(m),
              ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242\n"
              ";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1\n"
              "\n;; OPT PSEUDOSECTION:\n; EDNS: version: 0, flags:; udp: 1232\n"
              "\n;; QUESTION SECTION:\n;www.example.com.\t\tIN\tA\n"
              "\n;; ANSWER SECTION:\nwww.example.com.\t3600\tIN\tA\t192.0.2.1\n");
}

TEST(Message, EveryPrefixOfAMessageFailsCleanly)
{
    Message m;
    m.flags.qr = true;
    m.questions.push_back({n("www.example."), RrType::mx, RrClass::in});
    m.answers.push_back({n("www.example."), RrType::mx, RrClass::in, 60, Mx{10, n("mx.www.example.")}});
    m.additional.push_back(a_record("mx.www.example.", 9));
    m.edns = Edns{};
    auto wire = encode(m);
    for (std::size_t cut = 0; cut < wire.size(); ++cut)
        EXPECT_FALSE(decode(std::span(wire.data(), cut)).ok()) << cut;
    EXPECT_TRUE(decode(wire).ok());
}
