// The progress line and the --json status line of `layer7 torrent get|seed`.
#include <gtest/gtest.h>

#include "torrent/progress.hpp"

namespace layer7::torrent {
namespace {

Progress halfway()
{
    Progress p;
    p.name = "file.bin";
    p.info_hash = "00112233445566778899aabbccddeeff00112233";
    p.pieces = 4;
    p.pieces_have = 2;
    p.peers = 3;
    p.size = 4u << 20;
    p.left = 2u << 20;
    p.downloaded = 2u << 20;
    p.uploaded = 1u << 20;
    p.down_rate = 1u << 20;
    p.up_rate = 512 * 1024;
    p.seconds = 2.5;
    return p;
}

TEST(Progress, LineShowsPeersRatesRatioAndEta)
{
    EXPECT_EQ(progress_line(halfway()),
              " 50.0%  2/4 pieces  3 peers  down 1.0 MiB/s  up 512.0 KiB/s  ratio 0.25  ETA 2s");
    Progress stalled = halfway();
    stalled.down_rate = 0;
    EXPECT_NE(progress_line(stalled).find("ETA ?"), std::string::npos);
    Progress done = halfway();
    done.left = 0;
    EXPECT_NE(progress_line(done).find("100.0%"), std::string::npos);
    EXPECT_NE(progress_line(done).find("ETA done"), std::string::npos);
}

TEST(Progress, JsonCarriesEveryFieldOnOneLine)
{
    EXPECT_EQ(progress_json(halfway(), "status"),
              "{\"event\":\"status\",\"name\":\"file.bin\",\"info_hash\":\"00112233445566778899aabbccddeeff00112233\","
              "\"pieces\":4,\"pieces_have\":2,\"size\":4194304,\"left\":2097152,\"percent\":50,\"peers\":3,"
              "\"downloaded\":2097152,\"uploaded\":1048576,\"down_rate\":1048576,\"up_rate\":524288,\"ratio\":0.25,"
              "\"eta\":2,\"seconds\":2.5}");
}

TEST(Progress, JsonHasNullEtaWhenNothingArrivesAndEscapesTheName)
{
    Progress p = halfway();
    p.down_rate = 0;
    p.name = "a \"b\"\n\xff";
    const std::string json = progress_json(p, "status");
    EXPECT_NE(json.find("\"eta\":null"), std::string::npos);
    EXPECT_NE(json.find("\"name\":\"a \\\"b\\\"\\u000a\\ufffd\""), std::string::npos);
}

TEST(Progress, HumanBytesUsesBinaryUnits)
{
    EXPECT_EQ(human_bytes(0), "0.0 B");
    EXPECT_EQ(human_bytes(1536), "1.5 KiB");
    EXPECT_EQ(human_bytes(3.0 * (1u << 30)), "3.0 GiB");
}

}  // namespace
}  // namespace layer7::torrent
