#include "rtsp/parser.hpp"

#include <gtest/gtest.h>

namespace layer7::rtsp {
namespace {

// One line per event, so every split of the input can be compared with the whole.
std::vector<std::string> events(std::string_view input, std::size_t split, const ParserLimits& limits = {})
{
    MessageParser p(limits);
    std::vector<std::string> out;
    auto drain = [&] {
        for (;;) {
            ParseEvent e = p.next();
            if (std::holds_alternative<NeedMore>(e))
                return;
            if (auto* q = std::get_if<Request>(&e))
                out.push_back("Q " + q->method + " " + q->uri + " cseq=" + std::to_string(q->cseq().value_or(0)) +
                              " body=" + q->body);
            else if (auto* r = std::get_if<Response>(&e))
                out.push_back("R " + std::to_string(r->status) + " body=" + r->body);
            else if (auto* f = std::get_if<Interleaved>(&e))
                out.push_back("F " + std::to_string(f->channel) + " " + f->data);
            else if (auto* d = std::get_if<FrameDropped>(&e))
                out.push_back("D " + std::to_string(d->size));
            else
                out.push_back(std::string("E ") + to_string(std::get<ParseError>(e)));
        }
    };
    p.feed(input.substr(0, split));
    drain();
    p.feed(input.substr(split));
    drain();
    return out;
}

void grind(std::string_view input, const std::vector<std::string>& expected, const ParserLimits& limits = {})
{
    for (std::size_t split = 0; split <= input.size(); ++split)
        ASSERT_EQ(events(input, split, limits), expected) << "split at " << split;
}

TEST(RtspParser, RequestsFramesAndResponsesAtEverySplit)
{
    const std::string input = std::string(
                                  "ANNOUNCE rtsp://h/live RTSP/1.0\r\nCSeq: 2\r\nContent-Type: application/sdp\r\n"
                                  "Content-Length: 5\r\n\r\nv=0\r\n") +
                              std::string("$\x00\x00\x03rtp", 7) + "\r\nRTSP/1.0 200 OK\r\nCSeq: 3\r\n\r\n";
    grind(input, {"Q ANNOUNCE rtsp://h/live cseq=2 body=v=0\r\n", "F 0 rtp", "R 200 body="});
}

TEST(RtspParser, OversizedFramesAreSkipped)
{
    std::string big = std::string("$\x01\x01\x00", 4) + std::string(256, 'x');
    grind(big + "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n", {"D 256", "Q OPTIONS * cseq=1 body="}, {.max_frame = 255});
}

TEST(RtspParser, MalformedInputIsAnErrorWithAStatus)
{
    EXPECT_EQ(events("GARBAGE\r\n\r\n", 0), std::vector<std::string>{"E malformed start line"});
    EXPECT_EQ(events("PLAY rtsp://h/ RTSP/2.0\r\n\r\n", 0), std::vector<std::string>{"E not RTSP/1.0"});
    EXPECT_EQ(events("PLAY rtsp://h/ RTSP/1.0\r\nNo colon\r\n\r\n", 0),
              std::vector<std::string>{"E malformed header field"});
    EXPECT_EQ(events("PLAY rtsp://h/ RTSP/1.0\r\nContent-Length: x\r\n\r\n", 0),
              std::vector<std::string>{"E bad Content-Length"});
    EXPECT_EQ(events("PLAY rtsp://h/ RTSP/1.0\r\nContent-Length: 70000\r\n\r\n", 0),
              std::vector<std::string>{"E body too large"});
    EXPECT_EQ(status_for(ParseError::body_too_large), 413);
    EXPECT_EQ(status_for(ParseError::bad_version), 505);
    EXPECT_EQ(status_for(ParseError::bad_header), 400);
}

TEST(RtspParser, LimitsAtTheEdge)
{
    const ParserLimits limits{.max_line = 40, .max_header = 64};
    const std::string line39 = "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: " + std::string(36, 'a') + "\r\n\r\n";
    EXPECT_EQ(events(line39, 0, limits).at(0), "Q OPTIONS * cseq=1 body=");
    const std::string line41 = "OPTIONS * RTSP/1.0\r\nX: " + std::string(39, 'a') + "\r\n\r\n";
    EXPECT_EQ(events(line41, 0, limits).at(0), "E header block too large");
    const std::string block =
        "OPTIONS * RTSP/1.0\r\nA: " + std::string(30, 'a') + "\r\nB: " + std::string(30, 'b') + "\r\n\r\n";
    EXPECT_EQ(events(block, 0, limits).at(0), "E header block too large");
}

}  // namespace
}  // namespace layer7::rtsp
