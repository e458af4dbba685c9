// The pure server core: header vetting, FORMERR with the id, drops, UDP truncation, trace summaries.
#include "dns/server/responder.hpp"

#include <gtest/gtest.h>

#include "dns/tsig/tsig.hpp"
#include "dns/zone/zone_parser.hpp"

using namespace layer7::dns;

namespace {
const char* zone_text = R"($TTL 3600
@    SOA ns admin 1 7200 3600 1209600 300
@    NS  ns
ns   A   192.0.2.1
www  A   192.0.2.80
big  TXT "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
big  TXT "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
big  TXT "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
big  TXT "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
big  TXT "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
big  TXT "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
)";

ZoneSet zones()
{
    ZoneSet set;
    set.add(parse_zone(zone_text, Name::parse("example.").value(), "example.zone").value());
    return set;
}

std::vector<std::uint8_t> query(std::string_view name, RrType type, std::optional<std::uint16_t> edns = {})
{
    Message q;
    q.id = 0x1234;
    q.flags.rd = true;
    q.questions.push_back({Name::parse(name).value(), type, RrClass::in});
    if (edns)
        q.edns = Edns{.udp_size = *edns, .version = 0, .do_bit = false, .options = {}};
    return encode(q);
}
}  // namespace

TEST(Vetting, HeaderOnly)
{
    auto q = query("www.example.", RrType::a);
    EXPECT_EQ(vet_query(q), Vetting::accept);
    EXPECT_EQ(vet_query(std::span(q).first(11)), Vetting::drop);    // no header
    EXPECT_EQ(vet_query(std::span(q).first(12)), Vetting::accept);  // decode decides
    auto response = q;
    response[2] |= 0x80;
    EXPECT_EQ(vet_query(response), Vetting::drop);
    auto two = q;
    two[5] = 2;  // QDCOUNT 2
    EXPECT_EQ(vet_query(two), Vetting::form_err);
    auto none = q;
    none[5] = 0;
    EXPECT_EQ(vet_query(none), Vetting::form_err);
    auto ar3 = q;
    ar3[11] = 3;
    EXPECT_EQ(vet_query(ar3), Vetting::form_err);
}

// An opcode we do not implement is NOTIMP whatever its counts (a STATUS with no question, an
// unassigned opcode), and the reply does not echo QUERY's RD. So are NOTIFY and UPDATE on a server
// without the slow path (vetted for it, then refused).
TEST(Responder, OtherOpcodesGetNotimpWithoutRd)
{
    ZoneSet z = zones();
    for (std::uint8_t opcode : {1, 2, 3, 4, 5, 15}) {
        for (std::uint8_t qdcount : {0, 1}) {
            auto q = query("www.example.", RrType::a);
            q[2] = static_cast<std::uint8_t>(opcode << 3 | 0x01);  // RD set
            q[5] = qdcount;
            if (qdcount == 0)
                q.resize(12);
            EXPECT_EQ(vet_query(q), opcode == 4 || opcode == 5 ? Vetting::control : Vetting::not_imp);
            auto h = handle_query(q, z, Transport::udp);
            ASSERT_EQ(h.wire.size(), 12u);
            auto header = peek_header(h.wire).value();
            EXPECT_EQ(header.id, 0x1234);
            EXPECT_TRUE(header.flags.qr);
            EXPECT_EQ(static_cast<int>(header.flags.opcode), opcode);
            EXPECT_EQ(header.rcode, 4) << int(opcode) << " " << int(qdcount);
            EXPECT_FALSE(header.flags.rd);
        }
    }
    auto none = query("www.example.", RrType::a);  // QUERY with no question: still FORMERR, RD kept
    none[5] = 0;
    none.resize(12);
    auto header = peek_header(handle_query(none, z, Transport::udp).wire).value();
    EXPECT_EQ(header.rcode, 1);
    EXPECT_TRUE(header.flags.rd);
}

TEST(Responder, AnswersAndKeepsTheId)
{
    ZoneSet z = zones();
    auto h = handle_query(query("www.example.", RrType::a), z, Transport::udp);
    ASSERT_TRUE(h.query && h.response);
    auto reply = decode(h.wire).value();
    EXPECT_EQ(reply.id, 0x1234);
    EXPECT_TRUE(reply.flags.aa);
    EXPECT_EQ(reply.answers.size(), 1u);
    EXPECT_EQ(query_summary(*h.query), "4660 A www.example. +rd");
    EXPECT_EQ(reply_summary(*h.response), "NOERROR aa 1 answer");
}

TEST(Responder, MalformedWithHeaderGetsFormerrWithItsId)
{
    ZoneSet z = zones();
    auto q = query("www.example.", RrType::a);
    q.resize(q.size() - 3);  // the question is cut short
    auto h = handle_query(q, z, Transport::udp);
    EXPECT_FALSE(h.query);
    ASSERT_EQ(h.wire.size(), 12u);
    auto header = peek_header(h.wire).value();
    EXPECT_EQ(header.id, 0x1234);
    EXPECT_TRUE(header.flags.qr);
    EXPECT_TRUE(header.flags.rd);
    EXPECT_EQ(header.rcode, 1);
    EXPECT_EQ(header.qdcount, 0);
}

TEST(Responder, GarbageAndResponsesAreDropped)
{
    ZoneSet z = zones();
    std::vector<std::uint8_t> garbage = {1, 2, 3};
    EXPECT_TRUE(handle_query(garbage, z, Transport::udp).wire.empty());
    auto reply = handle_query(query("www.example.", RrType::a), z, Transport::udp).wire;
    EXPECT_TRUE(handle_query(reply, z, Transport::udp).wire.empty());  // never answer an answer
}

TEST(Responder, UdpTruncatesTcpDoesNot)
{
    ZoneSet z = zones();
    auto udp = handle_query(query("big.example.", RrType::txt), z, Transport::udp);
    EXPECT_LE(udp.wire.size(), 512u);
    EXPECT_TRUE(peek_header(udp.wire)->flags.tc);
    auto edns = handle_query(query("big.example.", RrType::txt, 4096), z, Transport::udp);
    EXPECT_FALSE(peek_header(edns.wire)->flags.tc);
    EXPECT_GT(edns.wire.size(), 512u);
    auto tcp = handle_query(query("big.example.", RrType::txt), z, Transport::tcp);
    EXPECT_FALSE(peek_header(tcp.wire)->flags.tc);
    EXPECT_EQ(decode(tcp.wire).value().answers.size(), 6u);
}

TEST(Responder, RefusedOutsideOurZones)
{
    ZoneSet z = zones();
    auto h = handle_query(query("www.crepes.fr.", RrType::a), z, Transport::udp);
    EXPECT_EQ(h.response->rcode, Rcode::refused);
    EXPECT_EQ(reply_summary(*h.response), "REFUSED 0 answer");
}

TEST(Responder, HeaderReplyCopiesOpcode)
{
    Header h;
    h.id = 7;
    h.flags.opcode = Opcode::update;
    auto wire = header_reply(h, Rcode::not_imp);
    auto back = peek_header(wire).value();
    EXPECT_EQ(back.id, 7);
    EXPECT_EQ(back.flags.opcode, Opcode::update);
    EXPECT_EQ(back.rcode, 4);
    EXPECT_FALSE(back.flags.rd);
}

// UPDATE and NOTIFY, and queries signed with TSIG, go to the slow path when the server has one;
// without, UPDATE gets NOTIMP as before and a TSIG is ignored.
TEST(Responder, UpdateNotifyAndSignedQueriesGoToTheSlowPath)
{
    ZoneSet z = zones();
    Message update;
    update.id = 9;
    update.flags.opcode = Opcode::update;
    update.questions.push_back({Name::parse("example.").value(), RrType::soa, RrClass::in});
    const auto wire = encode(update);
    EXPECT_TRUE(handle_query(wire, z, Transport::udp, {}, true).control);
    auto plain = handle_query(wire, z, Transport::udp, {}, false);
    EXPECT_FALSE(plain.control);
    EXPECT_EQ(peek_header(plain.wire)->rcode, static_cast<std::uint8_t>(Rcode::not_imp));

    Message query;
    query.questions.push_back({Name::parse("www.example.").value(), RrType::a, RrClass::in});
    auto signed_query = encode(query);
    const TsigKey key = parse_tsig_key("k:c2VjcmV0").value();
    TsigSession(key).sign(signed_query, 1'790'000'000);
    EXPECT_TRUE(handle_query(signed_query, z, Transport::udp, {}, true).control);
    EXPECT_FALSE(handle_query(signed_query, z, Transport::udp, {}, false).control);
    EXPECT_FALSE(handle_query(encode(query), z, Transport::udp, {}, true).control);
}
