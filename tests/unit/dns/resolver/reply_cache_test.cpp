// ReplyCache: a hit carries the query's id, RD/CD and spelling; TTLs go down with time and the
// entry expires with its lowest TTL (negative replies with the SOA's); replies too large for the
// client, truncated or erroneous replies and queries that are not plain take the slow path.
#include "dns/resolver/reply_cache.hpp"

#include <random>

#include <gtest/gtest.h>

#include "dns/resolver/reply.hpp"

using namespace layer7::dns;
using namespace layer7::dns::resolver;
using namespace std::chrono_literals;

namespace {
Name n(std::string_view t)
{
    return Name::parse(t).value();
}
Message query_message(std::string_view name, std::uint16_t id, std::optional<std::uint16_t> edns = {},
                      RrType type = RrType::a)
{
    Message q;
    q.id = id;
    q.flags.rd = true;
    q.questions.push_back({n(name), type, RrClass::in});
    if (edns)
        q.edns = edns_of(*edns);
    return q;
}
std::vector<std::uint8_t> query(std::string_view name, std::uint16_t id, std::optional<std::uint16_t> edns = {})
{
    return encode(query_message(name, id, edns));
}
// What the resolver's cache would give for `name`: an A RRset of `count` records with `ttl`,
// behind a CNAME with `cname_ttl` when that is set.
Message answer(std::string_view name, std::uint32_t ttl, int count = 1, std::optional<std::uint32_t> cname_ttl = {})
{
    Message a;
    a.questions.push_back({n(name), RrType::a, RrClass::in});
    Name owner = n(name);
    if (cname_ttl) {
        a.answers.push_back({owner, RrType::cname, RrClass::in, *cname_ttl, Cname{n("target.example.test.")}});
        owner = n("target.example.test.");
    }
    for (int i = 0; i < count; ++i)
        a.answers.push_back({owner, RrType::a, RrClass::in, ttl,
                             A{{192, 0, static_cast<std::uint8_t>(i / 256), static_cast<std::uint8_t>(i % 256)}}});
    return a;
}
std::vector<std::uint8_t> reply(const Message& q, const Message& a)
{
    return make_reply(q, a, reply_size(q));
}
Message decoded(const std::vector<std::uint8_t>& wire)
{
    auto m = decode(std::span<const std::uint8_t>(wire));
    EXPECT_TRUE(m.ok());
    return m.ok() ? std::move(m).value() : Message{};
}
const Instant t0{std::chrono::hours(1000)};
}  // namespace

TEST(ReplyCache, HitCarriesTheIdFlagsAndSpellingOfTheQuery)
{
    ReplyCache cache;
    auto q1 = query_message("www.example.test.", 1);
    cache.store(encode(q1), reply(q1, answer("www.example.test.", 300, 1, 600)), t0);
    EXPECT_EQ(cache.size(), 1u);

    Message q2 = query_message("WwW.eXaMpLe.TeSt.", 0xbeef);
    q2.flags.rd = false;
    q2.flags.cd = true;
    std::vector<std::uint8_t> out;
    ASSERT_TRUE(cache.lookup(encode(q2), t0 + 100ms, out));
    Message r = decoded(out);
    EXPECT_EQ(r.id, 0xbeef);
    EXPECT_TRUE(r.flags.qr);
    EXPECT_TRUE(r.flags.ra);
    EXPECT_FALSE(r.flags.rd);
    EXPECT_TRUE(r.flags.cd);
    EXPECT_EQ(r.questions.at(0).name.to_text(), "WwW.eXaMpLe.TeSt.");
    ASSERT_EQ(r.answers.size(), 2u);
    EXPECT_EQ(r.answers[0].owner.to_text(), "WwW.eXaMpLe.TeSt.");  // the 0x20 bits come back here too
    EXPECT_EQ(r.answers[0].ttl, 600u);
    EXPECT_EQ(r.answers[1].ttl, 300u);
    EXPECT_FALSE(r.edns);

    // The same bytes as the slow path makes for this query (same spelling: same compression).
    Message q3 = query_message("www.example.test.", 7);
    ASSERT_TRUE(cache.lookup(encode(q3), t0 + 100ms, out));
    EXPECT_EQ(out, reply(q3, answer("www.example.test.", 300, 1, 600)));
}

TEST(ReplyCache, MissesOtherQuestions)
{
    ReplyCache cache;
    auto q = query_message("www.example.test.", 1);
    cache.store(encode(q), reply(q, answer("www.example.test.", 300)), t0);
    std::vector<std::uint8_t> out;
    EXPECT_FALSE(cache.lookup(query("ww.example.test.", 2), t0, out));
    EXPECT_FALSE(cache.lookup(encode(query_message("www.example.test.", 2, {}, RrType::aaaa)), t0, out));
    // EDNS presence is part of the key: the reply's OPT follows the query's (RFC 6891 §7).
    EXPECT_FALSE(cache.lookup(query("www.example.test.", 2, 1232), t0, out));
    EXPECT_TRUE(cache.lookup(query("www.example.test.", 2), t0, out));
}

TEST(ReplyCache, EdnsRepliesKeepTheirOpt)
{
    ReplyCache cache;
    auto q = query_message("www.example.test.", 1, 4096);
    cache.store(encode(q), reply(q, answer("www.example.test.", 300)), t0);
    std::vector<std::uint8_t> out;
    ASSERT_TRUE(cache.lookup(query("www.example.test.", 2, 1232), t0 + 1s, out));
    Message r = decoded(out);
    ASSERT_TRUE(r.edns);
    EXPECT_EQ(r.edns->udp_size, 1232);  // ours, not the client's
    ASSERT_EQ(r.answers.size(), 1u);
    EXPECT_EQ(r.answers[0].ttl, 299u);
}

TEST(ReplyCache, TtlsGoDownAndTheEntryExpiresWithTheLowest)
{
    ReplyCache cache;
    auto q = query_message("www.example.test.", 1);
    cache.store(encode(q), reply(q, answer("www.example.test.", 60, 1, 300)), t0);
    std::vector<std::uint8_t> out;
    auto ttls = [&](Instant at) -> std::vector<std::uint32_t> {
        if (!cache.lookup(query("www.example.test.", 9), at, out))
            return {};
        std::vector<std::uint32_t> t;
        for (const auto& rec : decoded(out).answers)
            t.push_back(rec.ttl);
        return t;
    };
    EXPECT_EQ(ttls(t0 + 999ms), (std::vector<std::uint32_t>{300, 60}));
    EXPECT_EQ(ttls(t0 + 1s), (std::vector<std::uint32_t>{299, 59}));
    EXPECT_EQ(ttls(t0 + 10500ms), (std::vector<std::uint32_t>{290, 50}));
    EXPECT_EQ(ttls(t0 + 10700ms), (std::vector<std::uint32_t>{290, 50}));
    EXPECT_EQ(ttls(t0 + 59s), (std::vector<std::uint32_t>{241, 1}));
    EXPECT_TRUE(ttls(t0 + 60s).empty());  // the A record's TTL ran out: ask the resolver again
    EXPECT_EQ(cache.size(), 0u);
}

TEST(ReplyCache, NegativeRepliesLiveAsLongAsTheirSoa)
{
    ReplyCache cache;
    auto q = query_message("gone.example.test.", 1);
    Message nx;
    nx.rcode = Rcode::nx_domain;
    nx.authority.push_back({n("example.test."), RrType::soa, RrClass::in, 30,
                            Soa{n("ns.example.test."), n("hostmaster.example.test."), 1, 7200, 3600, 1209600, 30}});
    cache.store(encode(q), reply(q, nx), t0);
    std::vector<std::uint8_t> out;
    ASSERT_TRUE(cache.lookup(query("GONE.example.test.", 2), t0 + 29s, out));
    Message r = decoded(out);
    EXPECT_EQ(r.rcode, Rcode::nx_domain);
    ASSERT_EQ(r.authority.size(), 1u);
    EXPECT_EQ(r.authority[0].ttl, 1u);
    EXPECT_FALSE(cache.lookup(query("gone.example.test.", 3), t0 + 30s, out));
}

TEST(ReplyCache, RepliesLargerThanTheClientsSizeTakeTheSlowPath)
{
    ReplyCache cache;
    auto big = query_message("many.example.test.", 1, 4096);
    const auto wire = reply(big, answer("many.example.test.", 300, 60));
    ASSERT_GT(wire.size(), 700u);
    ASSERT_LT(wire.size(), 1232u);
    cache.store(encode(big), wire, t0);
    std::vector<std::uint8_t> out;
    EXPECT_FALSE(cache.lookup(query("many.example.test.", 2, 512), t0, out));  // would need TC
    EXPECT_FALSE(cache.lookup(query("many.example.test.", 2, 100), t0, out));  // 512 at least
    ASSERT_TRUE(cache.lookup(query("many.example.test.", 2, 1232), t0, out));
    EXPECT_EQ(out.size(), wire.size());

    // A truncated reply (what a 512-octet client gets) is never stored.
    ReplyCache small;
    auto q = query_message("many.example.test.", 1, 512);
    auto truncated = reply(q, answer("many.example.test.", 300, 60));
    ASSERT_TRUE(peek_header(truncated)->flags.tc);
    small.store(encode(q), truncated, t0);
    EXPECT_EQ(small.size(), 0u);
}

TEST(ReplyCache, StoresOnlyRepliesThatAge)
{
    ReplyCache cache;
    auto q = query_message("www.example.test.", 1);
    auto wire = encode(q);
    cache.store(wire, make_error(q, Rcode::serv_fail), t0);  // SERVFAIL: RFC 2308 §7.1
    cache.store(wire, make_error(q, Rcode::refused), t0);
    cache.store(wire, reply(q, Message{}), t0);                       // no record: nothing tells how long it holds
    cache.store(wire, reply(q, answer("www.example.test.", 0)), t0);  // TTL 0: use once
    EXPECT_EQ(cache.size(), 0u);
    // A reply to another question is not stored under this one.
    auto other = query_message("xyz.example.test.", 1);
    cache.store(wire, reply(other, answer("xyz.example.test.", 300)), t0);
    EXPECT_EQ(cache.size(), 0u);
    auto cut = reply(q, answer("www.example.test.", 300));
    cut.pop_back();
    cache.store(wire, cut, t0);
    EXPECT_EQ(cache.size(), 0u);
}

TEST(ReplyCache, OnlyPlainQueriesAreAnswered)
{
    EXPECT_TRUE(parse_plain_query(query("www.example.test.", 1)));
    auto e = parse_plain_query(query("www.example.test.", 1, 1232));
    ASSERT_TRUE(e);
    EXPECT_TRUE(e->edns);
    EXPECT_EQ(e->max_udp, 1232u);
    EXPECT_EQ(parse_plain_query(query("www.example.test.", 1, 65000))->max_udp, 4096u);
    EXPECT_EQ(parse_plain_query(query("www.example.test.", 1))->max_udp, 512u);

    auto base = query_message("www.example.test.", 1);
    Message m = base;
    m.flags.qr = true;
    EXPECT_FALSE(parse_plain_query(encode(m)));
    m = base;
    m.flags.opcode = Opcode::notify;
    EXPECT_FALSE(parse_plain_query(encode(m)));  // NOTIMP from the slow path
    m = base;
    m.questions.push_back(m.questions[0]);
    EXPECT_FALSE(parse_plain_query(encode(m)));  // FORMERR from the slow path
    m = query_message("www.example.test.", 1, 1232);
    m.edns->version = 1;
    EXPECT_FALSE(parse_plain_query(encode(m)));  // BADVERS from the slow path
    m = query_message("www.example.test.", 1, 1232);
    m.edns->options.push_back({10, {1, 2, 3, 4, 5, 6, 7, 8}});  // a client cookie: still plain
    EXPECT_TRUE(parse_plain_query(encode(m)));

    auto wire = query("www.example.test.", 1);
    auto trailing = wire;
    trailing.push_back(0);
    EXPECT_FALSE(parse_plain_query(trailing));
    EXPECT_FALSE(parse_plain_query(std::span(wire).first(wire.size() - 1)));
    auto compressed = wire;
    compressed[12] = 0xc0;  // a pointer in the question
    EXPECT_FALSE(parse_plain_query(compressed));
    auto edns = query("www.example.test.", 1, 1232);
    auto bad_option = edns;
    bad_option[bad_option.size() - 1] = 4;  // RDLENGTH 4 with no option bytes
    bad_option.insert(bad_option.end(), {0, 10, 0, 9});
    EXPECT_FALSE(parse_plain_query(bad_option));
}

TEST(ReplyCache, IsBounded)
{
    ReplyCache cache({.max_entries = 2});
    for (std::string_view name : {"a.example.test.", "b.example.test.", "c.example.test."}) {
        auto q = query_message(name, 1);
        cache.store(encode(q), reply(q, answer(name, 300)), t0);
        EXPECT_LE(cache.size(), 2u);
    }
    std::vector<std::uint8_t> out;
    EXPECT_TRUE(cache.lookup(query("c.example.test.", 5), t0, out));
}

TEST(ReplyCache, IsBoundedInBytes)
{
    ReplyCache cache({.max_entries = 1000, .max_bytes = 600});
    std::size_t last = 0;
    for (std::string_view name : {"a.example.test.", "b.example.test.", "c.example.test.", "d.example.test."}) {
        auto q = query_message(name, 1);
        cache.store(encode(q), reply(q, answer(name, 300 + static_cast<std::uint32_t>(last))), t0);
        EXPECT_LE(cache.bytes(), 600u);
        EXPECT_GT(cache.bytes(), 0u);
        last = cache.size();
    }
    EXPECT_LT(cache.size(), 4u);
    // Storing the same question again replaces its entry without counting it twice.
    const std::size_t before = cache.bytes();
    auto d = query_message("d.example.test.", 1);
    cache.store(encode(d), reply(d, answer("d.example.test.", 300)), t0);
    EXPECT_EQ(cache.bytes(), before);
    // An expired entry found by a lookup gives its bytes back.
    std::vector<std::uint8_t> out;
    EXPECT_FALSE(cache.lookup(query("d.example.test.", 2), t0 + 1h, out));
    EXPECT_LT(cache.bytes(), before);
    // A reply larger than the whole budget is not stored.
    auto many = query_message("many.example.test.", 1, 4096);
    cache.store(encode(many), reply(many, answer("many.example.test.", 300, 60)), t0);
    EXPECT_FALSE(cache.lookup(query("many.example.test.", 2, 4096), t0, out));
    cache.clear();
    EXPECT_EQ(cache.bytes(), 0u);
}

// Whatever the fast path takes for a plain query, the slow path would resolve too (no FORMERR,
// NOTIMP or BADVERS skipped); and mangled bytes never read outside their buffers (ASan).
TEST(ReplyCache, PlainQueriesAreOnesTheSlowPathResolves)
{
    std::mt19937 random(20240607);
    std::vector<std::vector<std::uint8_t>> seeds{query("www.example.test.", 1), query("a.b.", 2, 1232)};
    Message cookie = query_message("x.example.test.", 3, 4096);
    cookie.edns->options.push_back({10, {1, 2, 3, 4, 5, 6, 7, 8}});
    seeds.push_back(encode(cookie));
    ReplyCache cache;
    const auto q = query_message("www.example.test.", 1, 1232);
    const auto good = reply(q, answer("www.example.test.", 300, 3, 600));
    int plain = 0;
    std::vector<std::uint8_t> out;
    for (int i = 0; i < 20000; ++i) {
        auto wire = seeds[random() % seeds.size()];
        for (int m = 1 + static_cast<int>(random() % 3); m > 0; --m) {
            switch (random() % 3) {
            case 0: wire[random() % wire.size()] = static_cast<std::uint8_t>(random()); break;
            case 1: wire.resize(random() % (wire.size() + 1)); break;
            default: wire.push_back(static_cast<std::uint8_t>(random()));
            }
            if (wire.empty())
                break;
        }
        if (auto p = parse_plain_query(wire)) {
            ++plain;
            Incoming in = take_query(wire, true);
            ASSERT_EQ(in.action, Intake::resolve) << i;
            EXPECT_EQ(p->edns, in.query.edns.has_value());
            EXPECT_EQ(p->max_udp, reply_size(in.query));
        }
        // Mangled replies are stored or refused without reading past them; lookups stay in bounds.
        auto r = good;
        r[random() % r.size()] = static_cast<std::uint8_t>(random());
        r.resize(random() % (r.size() + 1));
        cache.store(encode(q), r, t0);
        cache.lookup(wire, t0, out);
        cache.lookup(encode(q), t0, out);
    }
    EXPECT_GT(plain, 100);  // the mutations leave enough plain queries to mean something
}
