// The reply cache: hits rewrite id and question spelling; flags and EDNS are part of the key;
// uncacheable queries; bound on entries.
#include "dns/server/answer_cache.hpp"

#include <gtest/gtest.h>

#include "dns/wire/message.hpp"

using namespace layer7::dns;

namespace {
std::vector<std::uint8_t> query(std::string_view name, std::uint16_t id, bool rd = true,
                                std::optional<std::uint16_t> edns = {})
{
    Message q;
    q.id = id;
    q.flags.rd = rd;
    q.questions.push_back({Name::parse(name).value(), RrType::a, RrClass::in});
    if (edns)
        q.edns = Edns{.udp_size = *edns, .version = 0, .do_bit = false, .options = {}};
    return encode(q);
}
std::vector<std::uint8_t> reply_to(std::span<const std::uint8_t> q)
{
    Message r = decode(q).value();
    r.flags.qr = true;
    r.flags.aa = true;
    r.answers.push_back({r.questions[0].name, RrType::a, RrClass::in, 60, A{{192, 0, 2, 1}}});
    return encode(r);
}
}  // namespace

TEST(AnswerCache, HitRewritesIdAndSpelling)
{
    AnswerCache cache;
    auto q1 = query("www.Example.test.", 1);
    cache.store(q1, reply_to(q1));
    auto q2 = query("WWW.example.TEST.", 2);
    std::vector<std::uint8_t> out;
    ASSERT_TRUE(cache.lookup(q2, out));
    auto r = decode(out).value();
    EXPECT_EQ(r.id, 2);
    EXPECT_EQ(r.questions[0].name.to_text(), "WWW.example.TEST.");
    EXPECT_EQ(r.answers.size(), 1u);
    EXPECT_EQ(cache.size(), 1u);
}

TEST(AnswerCache, FlagsAndEdnsAreInTheKey)
{
    AnswerCache cache;
    auto q = query("www.example.test.", 1, true, 1232);
    cache.store(q, reply_to(q));
    std::vector<std::uint8_t> out;
    EXPECT_FALSE(cache.lookup(query("www.example.test.", 1, false, 1232), out));  // RD differs
    EXPECT_FALSE(cache.lookup(query("www.example.test.", 1, true), out));         // no EDNS
    EXPECT_FALSE(cache.lookup(query("www.example.test.", 1, true, 4096), out));   // other size
    EXPECT_TRUE(cache.lookup(query("www.example.test.", 9, true, 1232), out));
}

TEST(AnswerCache, UncacheableQueries)
{
    auto q = query("www.example.test.", 1);
    std::string key;
    EXPECT_TRUE(AnswerCache::key(q, key));
    EXPECT_FALSE(AnswerCache::key(std::span(q).first(16), key));  // cut inside the question
    auto compressed = q;
    compressed.resize(12);
    for (std::uint8_t b : {0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01})
        compressed.push_back(b);
    EXPECT_FALSE(AnswerCache::key(compressed, key));
    auto two = q;
    two[5] = 2;
    EXPECT_FALSE(AnswerCache::key(two, key));
    std::vector<std::uint8_t> big(513, 0);
    EXPECT_FALSE(AnswerCache::key(big, key));
    AnswerCache cache;
    cache.store(q, std::vector<std::uint8_t>(12, 0));  // a reply without the question: not kept
    EXPECT_EQ(cache.size(), 0u);
}

TEST(AnswerCache, BoundedAndClearable)
{
    AnswerCache cache({.max_entries = 10});
    for (int i = 0; i < 25; ++i) {
        auto q = query("h" + std::to_string(i) + ".example.test.", 1);
        cache.store(q, reply_to(q));
        EXPECT_LE(cache.size(), 10u);
    }
    cache.clear();
    EXPECT_EQ(cache.size(), 0u);
}
