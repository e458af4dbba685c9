// The demo torrent of `layer7 up`: the demo site's ten images in name order, hashed into pieces
// that check, and an info-hash that depends on nothing but the images (not the tracker's address).
#include <gtest/gtest.h>

#include "demo/site.hpp"
#include "demo/torrent_seed.hpp"
#include "torrent/sha1.hpp"

namespace layer7::demo {
namespace {

TEST(TorrentSeed, IsTheSitesImagesInNameOrder)
{
    const torrent::Metainfo meta = torrent_metainfo("http://127.0.0.1:6969/announce");
    EXPECT_EQ(meta.name, torrent_name);
    EXPECT_TRUE(meta.multi_file);
    EXPECT_EQ(meta.announce, "http://127.0.0.1:6969/announce");
    EXPECT_FALSE(meta.creation_date.has_value());  // a date would change the bytes on every start
    std::string all;
    std::vector<std::vector<std::string>> paths;
    for (const auto& file : site_files())
        if (file.path.starts_with("images/")) {
            all += file.content;
            paths.push_back({file.path.substr(7)});
        }
    ASSERT_EQ(paths.size(), 10u);
    ASSERT_EQ(meta.files.size(), 10u);
    for (std::size_t i = 0; i < paths.size(); ++i)
        EXPECT_EQ(meta.files[i].path, paths[i]);
    EXPECT_EQ(meta.files.front().path, std::vector<std::string>{"pic01.png"});
    EXPECT_EQ(meta.total_length(), all.size());
    ASSERT_EQ(meta.piece_count(), (all.size() + meta.piece_length - 1) / meta.piece_length);
    for (std::size_t i = 0; i < meta.piece_count(); ++i) {
        const auto digest = torrent::sha1(std::string_view(all).substr(i * meta.piece_length, meta.piece_length));
        EXPECT_EQ(meta.pieces.substr(i * 20, 20), std::string(reinterpret_cast<const char*>(digest.data()), 20)) << i;
    }
}

TEST(TorrentSeed, InfoHashIsStable)
{
    const torrent::Metainfo a = torrent_metainfo("http://127.0.0.1:6969/announce");
    const torrent::Metainfo b = torrent_metainfo("http://127.0.0.1:7000/announce");
    EXPECT_EQ(torrent::info_hash_of(a.info_bytes).hex(),
              torrent::info_hash_of(torrent_metainfo(a.announce).info_bytes).hex());
    EXPECT_EQ(torrent::info_hash_of(a.info_bytes).hex(), torrent::info_hash_of(b.info_bytes).hex());
    EXPECT_EQ(torrent::encode_metainfo(a), torrent::encode_metainfo(torrent_metainfo(a.announce)));
}

}  // namespace
}  // namespace layer7::demo
