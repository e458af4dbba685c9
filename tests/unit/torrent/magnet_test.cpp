// Magnet URIs (BEP 9): hex and base32 exact topics, dn and tr, built and parsed back.
#include <gtest/gtest.h>

#include "torrent/magnet.hpp"

namespace layer7::torrent {
namespace {

constexpr std::string_view hex = "c12fe1c06bba254a9dc9f519b335aa7c1367a88a";

TEST(Magnet, ParsesHexWithNameAndTrackers)
{
    auto m =
        parse_magnet("magnet:?xt=urn:btih:" + std::string(hex) +
                     "&dn=My%20File&tr=http%3A%2F%2F127.0.0.1%3A6969%2Fannounce&tr=udp%3A%2F%2F127.0.0.1%3A6969&x=1");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->info_hash.hex(), hex);
    EXPECT_EQ(m->name, "My File");
    EXPECT_EQ(m->trackers, (std::vector<std::string>{"http://127.0.0.1:6969/announce", "udp://127.0.0.1:6969"}));
}

TEST(Magnet, ParsesBase32)
{
    auto h = InfoHash::from_hex(hex);
    auto m = parse_magnet("MAGNET:?xt=urn:btih:" + h->base32());
    ASSERT_TRUE(m);
    EXPECT_EQ(m->info_hash, *h);
}

TEST(Magnet, BuildsWhatItParses)
{
    Magnet m{*InfoHash::from_hex(hex), "a & b.iso", {"http://127.0.0.1:6969/announce?x=1"}};
    const std::string uri = to_uri(m);
    EXPECT_EQ(uri.find(' '), std::string::npos);
    auto back = parse_magnet(uri);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->info_hash, m.info_hash);
    EXPECT_EQ(back->name, m.name);
    EXPECT_EQ(back->trackers, m.trackers);
}

TEST(Magnet, Refuses)
{
    EXPECT_FALSE(parse_magnet("http://example.com/"));
    EXPECT_FALSE(parse_magnet("magnet:?dn=x"));             // no exact topic
    EXPECT_FALSE(parse_magnet("magnet:?xt=urn:btih:abc"));  // neither hex nor base32
    EXPECT_FALSE(parse_magnet("magnet:?xt=urn:btih:" + std::string(hex) + "&xt=urn:btih:" + std::string(hex)));
    EXPECT_FALSE(parse_magnet("magnet:?xt=urn:btih:" + std::string(hex) + "&dn=%zz"));
    EXPECT_FALSE(parse_magnet("magnet:?xt=urn:btih:" + std::string(hex), {.max_length = 20}));
}

}  // namespace
}  // namespace layer7::torrent
