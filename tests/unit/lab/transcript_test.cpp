#include "lab/transcript.hpp"

#include <gtest/gtest.h>

namespace layer7::lab {
namespace {

TEST(Transcript, TextLinesEachWithTimeConnectionAndSpeaker)
{
    Transcript t;
    t.add(1.5, 1, true, "GET / HTTP/1.1\r\nHost: a\r\n\r\n");
    EXPECT_EQ(t.text(),
              "      1.5 ms  #1 C: GET / HTTP/1.1\n"
              "      1.5 ms  #1 C: Host: a\n"
              "      1.5 ms  #1 C: \n");
}

TEST(Transcript, BinaryContentIsShownAsItsSize)
{
    Transcript t;
    std::string reply = "HTTP/1.1 200 OK\r\n\r\n";
    reply += std::string("\x89PNG\0\0", 6);
    t.add(20, 2, false, reply);
    EXPECT_EQ(t.text(),
              "     20.0 ms  #2 S: HTTP/1.1 200 OK\n"
              "     20.0 ms  #2 S: \n"
              "     20.0 ms  #2 S: [6 bytes of content]\n");
}

TEST(Transcript, OnlyWellFormedUtf8CountsAsText)
{
    Transcript t;
    t.add(0, 1, false, "caf\xc3\xa9\n");
    t.add(0, 1, false, std::string("\x89PNG\r\n\x1a\n", 8));  // a PNG signature is content, not a line
    EXPECT_EQ(t.text(),
              "      0.0 ms  #1 S: caf\xc3\xa9\n"
              "      0.0 ms  #1 S: [8 bytes of content]\n");
}

TEST(Transcript, StopsAtItsLineLimitAndSaysSo)
{
    Transcript t(2);
    t.add(0, 1, true, "a\nb\nc\nd\n");
    t.note(1, "more");
    EXPECT_EQ(t.text(), "      0.0 ms  #1 C: a\n      0.0 ms  #1 C: b\n… (cut: more than 2 lines)\n");
}

}  // namespace
}  // namespace layer7::lab
