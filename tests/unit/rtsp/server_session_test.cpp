#include "rtsp/server_session.hpp"

#include <gtest/gtest.h>

namespace layer7::rtsp {
namespace {

class FakeCatalog final : public Catalog {
public:
    std::optional<SessionDescription> describe(std::string_view path) override
    {
        if (path != "movie")
            return std::nullopt;
        return parse_sdp(
                   "v=0\r\ns=x\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:trackID=0\r\n"
                   "m=audio 0 RTP/AVP 97\r\na=rtpmap:97 opus/48000/2\r\na=control:trackID=1\r\n")
            .value();
    }
    int can_announce(std::string_view path) override { return path == "busy" ? 455 : 200; }
};

Request request(std::string method, std::string uri, std::vector<std::pair<std::string, std::string>> headers,
                std::string body = {})
{
    Request r{std::move(method), std::move(uri), {}, std::move(body)};
    r.headers.add("CSeq", "1");
    for (auto& [n, v] : headers)
        r.headers.add(n, v);
    return r;
}

struct RtspSession : ::testing::Test {
    ServerPolicy policy{.peer_address = "127.0.0.1", .server_rtp_port = 8000, .server_rtcp_port = 8001};
    FakeCatalog catalog;
    ServerSession session{policy, catalog, "S1"};
};

TEST_F(RtspSession, PlayDialogueOverUdp)
{
    auto d = session.on_request(request("DESCRIBE", "rtsp://127.0.0.1:8554/movie", {}));
    EXPECT_EQ(d.response.status, 200);
    EXPECT_EQ(d.response.headers.get("Content-Base"), "rtsp://127.0.0.1:8554/movie/");
    EXPECT_NE(d.response.body.find("m=audio"), std::string::npos);
    auto s = session.on_request(request("SETUP", "rtsp://127.0.0.1:8554/movie/trackID=1",
                                        {{"Transport", "RTP/AVP;unicast;client_port=5002-5003"}}));
    ASSERT_EQ(s.response.status, 200);
    EXPECT_EQ(s.response.headers.get("Transport"), "RTP/AVP;unicast;client_port=5002-5003;server_port=8000-8001");
    EXPECT_EQ(s.response.headers.get("Session"), "S1;timeout=60");
    EXPECT_EQ(session.tracks().count(1), 1u);
    auto p =
        session.on_request(request("PLAY", "rtsp://127.0.0.1:8554/movie/", {{"Session", "S1"}, {"Range", "npt=2.5-"}}));
    EXPECT_EQ(p.response.status, 200);
    EXPECT_EQ(p.action, Action::play);
    EXPECT_EQ(p.range_start, 2.5);
    EXPECT_EQ(session.on_request(request("PAUSE", "rtsp://h/movie", {{"Session", "S1"}})).action, Action::pause);
    EXPECT_EQ(session.on_request(request("GET_PARAMETER", "rtsp://h/movie", {{"Session", "S1"}})).response.status, 200);
    EXPECT_EQ(session.on_request(request("TEARDOWN", "rtsp://h/movie", {{"Session", "S1"}})).action, Action::teardown);
}

TEST_F(RtspSession, InterleavedChannelsDefaultToTheTrack)
{
    auto s = session.on_request(request("SETUP", "rtsp://h/movie/trackID=1", {{"Transport", "RTP/AVP/TCP;unicast"}}));
    ASSERT_EQ(s.response.status, 200);
    EXPECT_EQ(s.response.headers.get("Transport"), "RTP/AVP/TCP;unicast;interleaved=2-3");
}

TEST_F(RtspSession, RefusesWhatItMustRefuse)
{
    EXPECT_EQ(session.on_request(request("DESCRIBE", "rtsp://h/nothing", {})).response.status, 404);
    EXPECT_EQ(
        session
            .on_request(request("SETUP", "rtsp://h/movie/trackID=7", {{"Transport", "RTP/AVP;client_port=5000-5001"}}))
            .response.status,
        404);
    // a third party as the RTP destination: a reflection attack
    EXPECT_EQ(session
                  .on_request(request("SETUP", "rtsp://h/movie/trackID=0",
                                      {{"Transport", "RTP/AVP;unicast;destination=10.9.9.9;client_port=5000-5001"}}))
                  .response.status,
              403);
    EXPECT_EQ(session
                  .on_request(request("SETUP", "rtsp://h/movie/trackID=0",
                                      {{"Transport", "RTP/AVP;unicast;client_port=53-54"}}))
                  .response.status,
              461);
    EXPECT_EQ(session.on_request(request("PLAY", "rtsp://h/movie", {{"Session", "S1"}})).response.status, 454);
    Request no_cseq{"OPTIONS", "*", {}, {}};
    EXPECT_EQ(session.on_request(no_cseq).response.status, 400);
    EXPECT_EQ(session.on_request(request("FLY", "*", {})).response.status, 501);
    EXPECT_EQ(session.on_parse_error(ParseError::bad_start_line).status, 400);
}

TEST_F(RtspSession, PublishDialogue)
{
    const std::string sdp = "v=0\r\ns=x\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n";
    EXPECT_EQ(session.on_request(request("ANNOUNCE", "rtsp://h/busy", {{"Content-Type", "application/sdp"}}, sdp))
                  .response.status,
              455);
    EXPECT_EQ(
        session.on_request(request("ANNOUNCE", "rtsp://h/live", {{"Content-Type", "text/plain"}}, sdp)).response.status,
        415);
    EXPECT_EQ(session.on_request(request("ANNOUNCE", "rtsp://h/live", {{"Content-Type", "application/sdp"}}, sdp))
                  .response.status,
              200);
    auto s = session.on_request(request("SETUP", "rtsp://h/live/streamid=0",
                                        {{"Transport", "RTP/AVP/TCP;unicast;interleaved=0-1;mode=record"}}));
    ASSERT_EQ(s.response.status, 200);
    EXPECT_EQ(session.on_request(request("PLAY", "rtsp://h/live", {{"Session", "S1"}})).response.status, 455);
    EXPECT_EQ(session.on_request(request("RECORD", "rtsp://h/live", {{"Session", "S1"}})).action, Action::record);
    EXPECT_TRUE(session.publishing());
    EXPECT_EQ(session.path(), "live");
}

TEST(RtspUri, PathsAndTracks)
{
    EXPECT_EQ(uri_path("rtsp://h:8554/a/b/?x=1"), "a/b");
    EXPECT_EQ(uri_path("rtsp://h/a%20b"), "a b");
    EXPECT_FALSE(uri_path("http://h/a"));
}

}  // namespace
}  // namespace layer7::rtsp
