// Tests for http/message/status (RFC 9110 §15).
#include "http/message/status.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;

TEST(Status, ReasonPhrases)
{
    EXPECT_EQ(reason_phrase(Status::ok), "OK");
    EXPECT_EQ(reason_phrase(Status::not_found), "Not Found");
    EXPECT_EQ(reason_phrase(Status::content_too_large), "Content Too Large");
    EXPECT_EQ(reason_phrase(Status::request_header_fields_too_large), "Request Header Fields Too Large");
    EXPECT_EQ(reason_phrase(Status::http_version_not_supported), "HTTP Version Not Supported");
    EXPECT_EQ(reason_phrase(static_cast<Status>(299)), "");
}

TEST(Status, Classes)
{
    EXPECT_EQ(status_class(Status::found), 3);
    EXPECT_TRUE(is_informational(Status::continue_));
    EXPECT_TRUE(forbids_content(Status::no_content));
    EXPECT_TRUE(forbids_content(Status::not_modified));
    EXPECT_TRUE(forbids_content(Status::switching_protocols));
    EXPECT_FALSE(forbids_content(Status::ok));
    EXPECT_EQ(code(Status::range_not_satisfiable), 416);
}
