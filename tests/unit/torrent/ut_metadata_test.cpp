// BEP 9 ut_metadata messages: the three types as bytes, a data message's trailing piece, unknown
// types ignored, malformed ones refused; a seed's answers to requests.
#include <gtest/gtest.h>

#include "torrent/ut_metadata.hpp"

namespace layer7::torrent {
namespace {

TEST(UtMetadata, EncodesBep9Examples)
{
    EXPECT_EQ(encode(MetadataMessage::request(0)), "d8:msg_typei0e5:piecei0ee");
    EXPECT_EQ(encode(MetadataMessage::reject(0)), "d8:msg_typei2e5:piecei0ee");
    MetadataMessage data{MetadataMessageType::data, 0, 34256, "xxxx"};
    EXPECT_EQ(encode(data), "d8:msg_typei1e5:piecei0e10:total_sizei34256eexxxx");
}

TEST(UtMetadata, DecodesDataWithItsPiece)
{
    auto m = decode_metadata_message("d8:msg_typei1e5:piecei2e10:total_sizei40000eed1:ae");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->type, MetadataMessageType::data);
    EXPECT_EQ(m->piece, 2u);
    EXPECT_EQ(m->total_size, 40000u);
    EXPECT_EQ(m->data, "d1:ae");  // the piece may itself look like bencode
    EXPECT_EQ(describe(*m), "ut_metadata data 2 (5 bytes of 40000)");
}

TEST(UtMetadata, RoundTrip)
{
    for (const auto& m : {MetadataMessage::request(7), MetadataMessage::reject(4294967295u),
                          MetadataMessage{MetadataMessageType::data, 1, 16385, "z"}}) {
        auto back = decode_metadata_message(encode(m));
        ASSERT_TRUE(back);
        EXPECT_EQ(encode(*back), encode(m));
    }
}

TEST(UtMetadata, UnknownTypeIsIgnoredNotRefused)
{
    auto m = decode_metadata_message("d8:msg_typei3e5:piecei0ee");
    ASSERT_TRUE(m);
    EXPECT_EQ(m->type, MetadataMessageType::unknown);
}

TEST(UtMetadata, MalformedIsRefused)
{
    EXPECT_EQ(decode_metadata_message("").error(), MetadataError::bad_dictionary);
    EXPECT_EQ(decode_metadata_message("i1e").error(), MetadataError::bad_dictionary);
    EXPECT_EQ(decode_metadata_message("d5:piecei0ee").error(), MetadataError::bad_msg_type);
    EXPECT_EQ(decode_metadata_message("d8:msg_typei0ee").error(), MetadataError::bad_piece);
    EXPECT_EQ(decode_metadata_message("d8:msg_typei0e5:piecei-1ee").error(), MetadataError::bad_piece);
    EXPECT_EQ(decode_metadata_message("d8:msg_typei0e5:piecei4294967296ee").error(), MetadataError::bad_piece);
    EXPECT_EQ(decode_metadata_message("d8:msg_typei1e5:piecei0eexx").error(), MetadataError::bad_total_size);
    // The dictionary's limits: a long string in it is not a ut_metadata message.
    EXPECT_EQ(decode_metadata_message("d1:x2000:" + std::string(2000, 'a') + "8:msg_typei0e5:piecei0ee").error(),
              MetadataError::bad_dictionary);
}

TEST(UtMetadata, AnswersRequestsInSixteenKiBPieces)
{
    const std::string info(2 * metadata_piece_size + 100, 'i');
    EXPECT_EQ(metadata_piece_count(info.size()), 3u);
    EXPECT_EQ(metadata_piece_count(metadata_piece_size), 1u);
    EXPECT_EQ(metadata_piece_count(0), 0u);
    auto first = answer_request(info, 0);
    EXPECT_EQ(first.type, MetadataMessageType::data);
    EXPECT_EQ(first.data.size(), metadata_piece_size);
    EXPECT_EQ(first.total_size, info.size());
    auto last = answer_request(info, 2);
    EXPECT_EQ(last.type, MetadataMessageType::data);
    EXPECT_EQ(last.data.size(), 100u);
    auto beyond = answer_request(info, 3);  // the piece index is checked
    EXPECT_EQ(beyond.type, MetadataMessageType::reject);
    EXPECT_EQ(beyond.piece, 3u);
    EXPECT_EQ(answer_request(info, 4294967295u).type, MetadataMessageType::reject);
}

}  // namespace
}  // namespace layer7::torrent
