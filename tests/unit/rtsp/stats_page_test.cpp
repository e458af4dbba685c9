// The stats page: labels, the HTML table (escaped) and the JSON scripts read.
#include "rtsp/stats_page.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace layer7::rtsp;

namespace {

StatsSnapshot one_reader()
{
    layer7::rtp::ReportBlock rr;
    rr.fraction_lost = 64;  // a quarter
    rr.cumulative_lost = 12;
    rr.highest_sequence = 70000;
    rr.jitter = 900;  // 10 ms at 90 kHz
    StatsSnapshot s;
    s.streams.push_back({"cam/<1>", "127.0.0.1:4000", {"video H264/90000"}, 500, 1, 0.5});
    ReaderRow r{"127.0.0.1:5000", "cam/<1>", false, true, 12.0, {}};
    r.tracks.push_back({0, "video H264/90000", 90000, 300, 200000, rr, 1.5});
    r.tracks.push_back({1, "audio opus/48000", 48000, 10, 1000, std::nullopt, 0});
    s.readers.push_back(r);
    return s;
}

}  // namespace

TEST(RtspStatsPage, LabelsSayKindEncodingAndClock)
{
    Media m;
    m.kind = "audio";
    m.formats = {"97"};
    m.set_attribute("rtpmap", "97 opus/48000/2");
    EXPECT_EQ(track_label(m), "audio opus/48000");
    Media bare;
    bare.kind = "video";
    bare.formats = {"96"};
    EXPECT_EQ(track_label(bare), "video");
}

TEST(RtspStatsPage, JsonCarriesTheReceiverReportInUnitsPeopleRead)
{
    const auto j = nlohmann::json::parse(stats_json(one_reader()));
    EXPECT_EQ(j["streams"][0]["path"], "cam/<1>");
    EXPECT_EQ(j["streams"][0]["packets_in"], 500);
    const auto& reader = j["readers"][0];
    EXPECT_EQ(reader["transport"], "tcp");
    const auto& video = reader["tracks"][0];
    EXPECT_EQ(video["packets_sent"], 300);
    EXPECT_DOUBLE_EQ(video["receiver_report"]["loss_percent"].get<double>(), 25.0);
    EXPECT_DOUBLE_EQ(video["receiver_report"]["jitter_ms"].get<double>(), 10.0);
    EXPECT_EQ(video["receiver_report"]["cumulative_lost"], 12);
    EXPECT_TRUE(reader["tracks"][1]["receiver_report"].is_null());
}

TEST(RtspStatsPage, HtmlEscapesNamesAndSaysWhenNoReportCameYet)
{
    const std::string html = stats_html(one_reader());
    EXPECT_NE(html.find("cam/&lt;1&gt;"), std::string::npos);
    EXPECT_EQ(html.find("cam/<1>"), std::string::npos);
    EXPECT_NE(html.find("<td>25.0</td><td>12</td><td>10.00</td>"), std::string::npos);
    EXPECT_NE(html.find("no receiver report yet"), std::string::npos);
    EXPECT_NE(stats_html({}).find("Nothing is being published"), std::string::npos);
}
