// The BEP 10 extension handshake: ours as bytes, theirs read leniently (fields of the wrong type
// ignored), and what is not a dictionary refused.
#include <gtest/gtest.h>

#include "torrent/extension_handshake.hpp"

namespace layer7::torrent {
namespace {

TEST(ExtensionHandshake, EncodesSortedWithMetadataSize)
{
    ExtensionHandshake h;
    h.extensions = {{"ut_metadata", 3}};
    h.metadata_size = 31235;
    h.port = 6881;
    h.reqq = 128;
    h.client = "layer7 0.1";
    EXPECT_EQ(encode(h), "d1:md11:ut_metadatai3ee13:metadata_sizei31235e1:pi6881e4:reqqi128e1:v10:layer7 0.1e");
}

TEST(ExtensionHandshake, RoundTrip)
{
    ExtensionHandshake h;
    h.extensions = {{"ut_metadata", 2}, {"ut_pex", 1}};
    h.metadata_size = 0;
    h.client = "x";
    auto back = decode_extension_handshake(encode(h));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->id_of("ut_metadata"), 2);
    EXPECT_EQ(back->id_of("ut_pex"), 1);
    EXPECT_EQ(back->id_of("lt_donthave"), 0);
    EXPECT_EQ(back->metadata_size, std::optional<std::uint64_t>{0});
    EXPECT_EQ(back->client, "x");
}

TEST(ExtensionHandshake, ReadsAria2sForm)
{
    // In the shape aria2c 1.36 sends (its trace: "ut_metadata=9 metadata_size=42814 v=aria2/1.36.0"),
    // with PEX on and a key we do not read.
    auto h = decode_extension_handshake(
        "d12:complete_agoi-1e1:md11:ut_metadatai2e6:ut_pexi1ee13:metadata_sizei1234e"
        "4:reqqi500e1:v12:aria2/1.36.0e");
    ASSERT_TRUE(h);
    EXPECT_EQ(h->id_of("ut_metadata"), 2);
    EXPECT_EQ(h->metadata_size, std::optional<std::uint64_t>{1234});
    EXPECT_EQ(h->reqq, 500u);
    EXPECT_EQ(h->port, 0);
    EXPECT_EQ(describe(*h), "extension handshake ut_metadata=2 ut_pex=1 metadata_size=1234 v=aria2/1.36.0");
}

TEST(ExtensionHandshake, WrongTypesAreIgnored)
{
    // m not a dictionary, a negative size, a port out of range, an id over 255, an id that is text.
    auto h = decode_extension_handshake("d1:mi5e13:metadata_sizei-1e1:pi70000ee");
    ASSERT_TRUE(h);
    EXPECT_TRUE(h->extensions.empty());
    EXPECT_FALSE(h->metadata_size);
    EXPECT_EQ(h->port, 0);
    h = decode_extension_handshake("d1:md1:ai256e1:b1:x1:ci0eee");
    ASSERT_TRUE(h);
    ASSERT_EQ(h->extensions.size(), 1u);
    EXPECT_EQ(h->extensions[0].first, "c");
    EXPECT_EQ(h->id_of("c"), 0);  // 0: switched off
}

TEST(ExtensionHandshake, NotADictionaryIsRefused)
{
    EXPECT_EQ(decode_extension_handshake("li1ee").error(), ExtensionError::not_a_dictionary);
    EXPECT_EQ(decode_extension_handshake("d1:m").error(), ExtensionError::bencode);
    EXPECT_EQ(decode_extension_handshake("").error(), ExtensionError::bencode);
    // Deeper than the handshake's limit (8): refused before it costs stack.
    EXPECT_EQ(decode_extension_handshake("d1:m" + std::string(8, 'l') + std::string(8, 'e') + "e").error(),
              ExtensionError::bencode);
}

}  // namespace
}  // namespace layer7::torrent
