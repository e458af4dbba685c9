// Metainfo (BEP 3 v1): single and multi-file torrents, the exact info bytes, and the paths and
// shapes that must be refused.
#include <gtest/gtest.h>

#include "torrent/metainfo.hpp"

namespace layer7::torrent {
namespace {

std::string pieces(std::size_t n)
{
    return std::string(20 * n, 'h');
}

Metainfo single()
{
    Metainfo m;
    m.name = "a.txt";
    m.piece_length = 16384;
    m.files = {{{"a.txt"}, 40000}};  // 3 pieces
    m.pieces = pieces(3);
    m.announce = "http://127.0.0.1:6969/announce";
    return m;
}

MetainfoError error_of(std::string_view file)
{
    auto m = parse_metainfo(file);
    EXPECT_FALSE(m.ok()) << file;
    return m.ok() ? MetainfoError::too_large : m.error().error;
}

std::string with_info(const std::string& info)
{
    return "d4:info" + info + "e";
}

TEST(Metainfo, SingleFileRoundTrip)
{
    const std::string file = encode_metainfo(single());
    auto m = parse_metainfo(file);
    ASSERT_TRUE(m.ok()) << to_string(m.error());
    EXPECT_EQ(m->name, "a.txt");
    EXPECT_FALSE(m->multi_file);
    EXPECT_EQ(m->total_length(), 40000u);
    EXPECT_EQ(m->piece_count(), 3u);
    EXPECT_EQ(m->trackers(), std::vector<std::string>{"http://127.0.0.1:6969/announce"});
    EXPECT_EQ(m->info_bytes, encode(info_dictionary(single())));
    EXPECT_EQ(encode_metainfo(*m), file);
}

TEST(Metainfo, MultiFile)
{
    Metainfo m = single();
    m.name = "dir";
    m.multi_file = true;
    m.files = {{{"sub", "b.bin"}, 16384}, {{"c.txt"}, 1}};
    m.pieces = pieces(2);
    m.announce_list = {{"udp://127.0.0.1:6969"}, {"http://127.0.0.1:6969/announce"}};
    auto back = parse_metainfo(encode_metainfo(m));
    ASSERT_TRUE(back.ok()) << to_string(back.error());
    ASSERT_EQ(back->files.size(), 2u);
    EXPECT_EQ(back->files[0].path, (std::vector<std::string>{"sub", "b.bin"}));
    EXPECT_EQ(back->total_length(), 16385u);
    EXPECT_EQ(back->trackers().size(), 2u);  // announce repeated in a tier counts once
}

TEST(Metainfo, InfoBytesAreTheFilesOwn)
{
    // The info dictionary as written, with an unknown key, is what gets hashed.
    const std::string info = "d6:lengthi3e4:name1:x12:piece lengthi16384e6:pieces20:" + pieces(1) + "1:zi0ee";
    auto m = parse_metainfo(with_info(info));
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(m->info_bytes, info);
}

TEST(Metainfo, RefusesUnsafePaths)
{
    for (std::string bad : {"2:..", "0:", "1:.", "3:a/b", "1:/"}) {
        const std::string info =
            "d5:filesld6:lengthi1e4:pathl" + bad + "eee4:name1:d12:piece lengthi16384e6:pieces20:" + pieces(1) + "e";
        EXPECT_EQ(error_of(with_info(info)), MetainfoError::unsafe_path) << bad;
    }
    const std::string dotdot_name = "d6:lengthi1e4:name2:..12:piece lengthi16384e6:pieces20:" + pieces(1) + "e";
    EXPECT_EQ(error_of(with_info(dotdot_name)), MetainfoError::bad_name);
}

TEST(Metainfo, RefusesBadShapes)
{
    EXPECT_EQ(error_of("i1e"), MetainfoError::not_a_dictionary);
    EXPECT_EQ(error_of("de"), MetainfoError::no_info);
    EXPECT_EQ(error_of("d4:infoi1ee"), MetainfoError::no_info);
    EXPECT_EQ(error_of("d4:info"), MetainfoError::bencode);
    // Wrong number of piece hashes for the length.
    EXPECT_EQ(error_of(with_info("d6:lengthi16385e4:name1:x12:piece lengthi16384e6:pieces20:" + pieces(1) + "e")),
              MetainfoError::bad_pieces);
    EXPECT_EQ(error_of(with_info("d6:lengthi1e4:name1:x12:piece lengthi16384e6:pieces3:abce")),
              MetainfoError::bad_pieces);
    EXPECT_EQ(error_of(with_info("d6:lengthi1e4:name1:x12:piece lengthi0e6:pieces0:e")),
              MetainfoError::bad_piece_length);
    EXPECT_EQ(error_of(with_info("d6:lengthi-1e4:name1:x12:piece lengthi16384e6:pieces0:e")),
              MetainfoError::bad_length);
    // Both length and files.
    EXPECT_EQ(error_of(with_info("d5:filesle6:lengthi1e4:name1:x12:piece lengthi16384e6:pieces20:" + pieces(1) + "e")),
              MetainfoError::bad_length);
    EXPECT_EQ(error_of(with_info("d5:filesle4:name1:x12:piece lengthi16384e6:pieces0:e")), MetainfoError::bad_files);
}

TEST(Metainfo, TorrentFromFetchedInfoKeepsItsBytes)
{
    // An info dictionary from peers (BEP 9) with a key we do not know: wrapped as it is, so the
    // saved .torrent has the magnet's info-hash.
    const std::string info = "d6:lengthi3e4:name1:x12:piece lengthi16384e6:pieces20:" + pieces(1) + "1:zi0ee";
    const std::string file = torrent_from_info(info, {"http://a/announce", "http://b/announce"});
    EXPECT_EQ(file,
              "d8:announce17:http://a/announce13:announce-listll17:http://a/announceel17:http://b/announceee"
              "4:info" +
                  info + "e");
    auto m = parse_metainfo(file);
    ASSERT_TRUE(m.ok()) << to_string(m.error());
    EXPECT_EQ(m->info_bytes, info);
    EXPECT_EQ(m->announce, "http://a/announce");
    EXPECT_EQ(m->trackers().size(), 2u);
    EXPECT_EQ(torrent_from_info(info, {}), with_info(info));
}

TEST(Metainfo, SizeLimit)
{
    MetainfoLimits limits{.max_file = 10};
    EXPECT_EQ(parse_metainfo(std::string(11, 'd'), limits).error().error, MetainfoError::too_large);
}

}  // namespace
}  // namespace layer7::torrent
