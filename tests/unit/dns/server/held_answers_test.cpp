// The replies a worker holds: whatever spelling asked first, a held reply is the one the server
// builds for the question (in lowercase) byte for byte once it carries the query's id and spelling;
// EDNS sizes and truncation are kept apart; a reload or an UPDATE (both replace the served set)
// drops every held reply.
#include "dns/server/zone_store.hpp"

#include <gtest/gtest.h>

#include <cctype>

#include "dns/authority/update.hpp"
#include "dns/server/responder.hpp"
#include "dns/zone/zone_parser.hpp"

using namespace layer7::dns;

namespace {

const char* zone_text = R"($TTL 3600
@       SOA ns admin 1 7200 3600 1209600 300
@       NS  ns
@       MX  10 mail
ns      A   192.0.2.1
mail    A   192.0.2.25
www     A   192.0.2.80
www     AAAA 2001:db8::80
alias   CNAME www
*.wild  A   192.0.2.99
sub     NS  ns.sub
ns.sub  A   192.0.2.53
big     TXT "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
big     TXT "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
big     TXT "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
big     TXT "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
big     TXT "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
big     TXT "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
)";

const Name origin = Name::parse("example.test.").value();

std::shared_ptr<const ZoneSet> zones_from(const std::string& text)
{
    auto set = std::make_shared<ZoneSet>();
    set->add(parse_zone(text, origin, "example.test.zone").value());
    return set;
}

struct Ask {
    Ask(std::string name, RrType type = RrType::a, std::optional<std::uint16_t> edns = {}, bool do_bit = false)
        : name(std::move(name)), type(type), edns(edns), do_bit(do_bit)
    {
    }
    std::string name;
    RrType type;
    std::optional<std::uint16_t> edns;  // the client's UDP size
    bool do_bit;
};

std::vector<std::uint8_t> query(const Ask& ask, std::uint16_t id)
{
    Message q;
    q.id = id;
    q.flags.rd = true;
    q.questions.push_back({Name::parse(ask.name).value(), ask.type, RrClass::in});
    if (ask.edns)
        q.edns = Edns{.udp_size = *ask.edns, .version = 0, .do_bit = ask.do_bit, .options = {}};
    return encode(q);
}

// Spellings of a name: 0x20 (every other letter upper case), all upper, all lower.
std::string mixed_case(std::string text)
{
    bool upper = true;
    for (char& c : text)
        if (std::isalpha(static_cast<unsigned char>(c)) && (upper = !upper))
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}
std::string upper_case(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}
std::string lower_case(std::string text)
{
    for (char& c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

// What the server sends without a cache: the reply to the question in lowercase, carrying the id
// and the spelling of the query.
std::vector<std::uint8_t> fresh(const Ask& ask, std::uint16_t id, const ZoneSet& zones)
{
    Ask lowered = ask;
    lowered.name = lower_case(ask.name);
    auto reply = handle_query(query(lowered, id), zones, Transport::udp).wire;
    const auto spelled = query(ask, id);
    const std::size_t question = Name::parse(ask.name).value().wire_size() + 4;  // name, type, class
    std::copy(spelled.begin() + 12, spelled.begin() + 12 + static_cast<std::ptrdiff_t>(question), reply.begin() + 12);
    return reply;
}

// The server's UDP path: a held reply, or the fresh one, then held.
std::vector<std::uint8_t> held_or_fresh(HeldAnswers& held, std::span<const std::uint8_t> wire)
{
    std::vector<std::uint8_t> reply;
    const ZoneSet& zones = held.zones();
    if (held.cache.lookup(wire, reply))
        return reply;
    const auto asked = held.cache.lowercased(wire);
    reply = handle_query(asked, zones, Transport::udp).wire;
    held.cache.store(asked, reply);
    EXPECT_TRUE(AnswerCache::respell(wire, reply));
    return reply;
}

}  // namespace

TEST(HeldAnswers, HeldReplyIsTheFreshOneByteForByte)
{
    const auto zones = zones_from(zone_text);
    const std::vector<Ask> asks = {
        {"www.example.test."},                      // an address
        {"www.example.test.", RrType::aaaa, 1232},  // with EDNS
        {"example.test.", RrType::mx, 4096, true},  // additional addresses, DO
        {"alias.example.test."},                    // a CNAME followed
        {"x1.wild.example.test."},                  // a wildcard
        {"www.sub.example.test."},                  // a referral with glue
        {"missing.example.test."},                  // NXDOMAIN with the SOA
        {"www.example.test.", RrType::mx},          // NODATA
        {"www.crepes.fr."},                         // REFUSED
        {"big.example.test.", RrType::txt},         // truncated at 512
        {"big.example.test.", RrType::txt, 1232},   // fits
    };
    for (const auto& ask : asks) {
        SCOPED_TRACE(ask.name + " " + to_text(ask.type));
        ZoneStore store(zones);
        HeldAnswers held(store);
        // The first asker's spelling decides nothing: a miss, then hits in other spellings.
        Ask first = ask;
        first.name = mixed_case(ask.name);
        EXPECT_EQ(held_or_fresh(held, query(first, 1)), fresh(first, 1, *zones));
        for (const auto& spelling : {upper_case(ask.name), ask.name, mixed_case(ask.name)}) {
            Ask again = ask;
            again.name = spelling;
            std::vector<std::uint8_t> out;
            ASSERT_TRUE(held.cache.lookup(query(again, 0xbeef), out));
            EXPECT_EQ(out, fresh(again, 0xbeef, *zones));
        }
        EXPECT_EQ(held.cache.size(), 1u);
    }
}

TEST(HeldAnswers, EdnsSizesAndTruncationAreHeldApart)
{
    ZoneStore store(zones_from(zone_text));
    HeldAnswers held(store);
    const Ask plain{"big.example.test.", RrType::txt};
    const Ask large{"big.example.test.", RrType::txt, 4096};
    const Ask small{"big.example.test.", RrType::txt, 512};
    for (int round = 0; round < 2; ++round) {  // the second round is answered from the held replies
        const auto truncated = held_or_fresh(held, query(plain, 7));
        EXPECT_LE(truncated.size(), 512u);
        EXPECT_TRUE(peek_header(truncated)->flags.tc);
        const auto whole = held_or_fresh(held, query(large, 8));
        EXPECT_GT(whole.size(), 512u);
        EXPECT_FALSE(peek_header(whole)->flags.tc);
        EXPECT_EQ(decode(whole).value().answers.size(), 6u);
        const auto edns_truncated = held_or_fresh(held, query(small, 9));
        EXPECT_LE(edns_truncated.size(), 512u);
        EXPECT_TRUE(peek_header(edns_truncated)->flags.tc);
        EXPECT_EQ(decode(edns_truncated).value().edns->udp_size, AnswerOptions{}.udp_size);
    }
    EXPECT_EQ(held.cache.size(), 3u);
}

TEST(HeldAnswers, ReloadDropsHeldReplies)
{
    ZoneStore store(zones_from(zone_text));
    HeldAnswers held(store);
    const auto q = query({"www.example.test."}, 3);
    auto before = decode(held_or_fresh(held, q)).value();
    ASSERT_EQ(held.cache.size(), 1u);
    EXPECT_EQ(to_text(before.answers.at(0).data), "192.0.2.80");

    std::string reloaded = zone_text;
    reloaded.replace(reloaded.find("192.0.2.80"), 10, "192.0.2.81");
    store.set(zones_from(reloaded));  // what SIGHUP's reload does with a changed file
    auto after = decode(held_or_fresh(held, q)).value();
    EXPECT_EQ(to_text(after.answers.at(0).data), "192.0.2.81");
    EXPECT_EQ(held.cache.size(), 1u);  // the old reply went, the new one is held
}

TEST(HeldAnswers, UpdateDropsHeldReplies)
{
    ZoneStore store(zones_from(zone_text));
    HeldAnswers held(store);
    const auto q = query({"new.example.test."}, 4);
    EXPECT_EQ(decode(held_or_fresh(held, q)).value().rcode, Rcode::nx_domain);
    EXPECT_EQ(decode(held_or_fresh(held, q)).value().rcode, Rcode::nx_domain);  // held

    // An UPDATE adding the name, applied as the keeper applies it: a new zone in a new set.
    Message update;
    update.flags.opcode = Opcode::update;
    update.questions.push_back({origin, RrType::soa, RrClass::in});
    update.authority.push_back(
        {Name::parse("new.example.test.").value(), RrType::a, RrClass::in, 300, A{{192, 0, 2, 7}}});
    const auto& entry = *store.get()->entry(origin);
    auto result = apply_update(decode(encode(update)).value(), *entry.zone, {});
    ASSERT_EQ(result.rcode, Rcode::no_error);
    ASSERT_TRUE(result.zone);
    auto next = std::make_shared<ZoneSet>(*store.get());
    next->put(result.zone);
    store.set(std::move(next));

    auto after = decode(held_or_fresh(held, q)).value();
    EXPECT_EQ(after.rcode, Rcode::no_error);
    ASSERT_EQ(after.answers.size(), 1u);
    EXPECT_EQ(to_text(after.answers[0].data), "192.0.2.7");
}

TEST(HeldAnswers, ZonesUnchangedKeepHeldReplies)
{
    ZoneStore store(zones_from(zone_text));
    HeldAnswers held(store);
    held_or_fresh(held, query({"www.example.test."}, 5));
    const ZoneSet* before = &held.zones();
    EXPECT_EQ(&held.zones(), before);
    EXPECT_EQ(held.cache.size(), 1u);
}

TEST(HeldAnswers, RespellTakesOnlyTheSameQuestion)
{
    const auto zones = zones_from(zone_text);
    auto reply = handle_query(query({"www.example.test."}, 1), *zones, Transport::udp).wire;
    const auto other_name = query({"wwx.example.test."}, 2);
    const auto other_type = query({"www.example.test.", RrType::aaaa}, 2);
    const auto kept = reply;
    EXPECT_FALSE(AnswerCache::respell(other_name, reply));
    EXPECT_FALSE(AnswerCache::respell(other_type, reply));
    EXPECT_EQ(reply, kept);
    EXPECT_TRUE(AnswerCache::respell(query({"WWW.example.TEST."}, 2), reply));
    const auto r = decode(reply).value();
    EXPECT_EQ(r.id, 2);
    EXPECT_EQ(r.questions.at(0).name.to_text(), "WWW.example.TEST.");
}
