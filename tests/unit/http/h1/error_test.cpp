// Tests for http/h1/error: every error has a description and the status RFC 9112 prescribes.
#include "http/h1/error.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::h1;

TEST(Error, StatusMapping)
{
    EXPECT_EQ(status_for(Error::bad_request_line), Status::bad_request);
    EXPECT_EQ(status_for(Error::content_length_with_transfer_encoding), Status::bad_request);
    EXPECT_EQ(status_for(Error::obs_fold), Status::bad_request);
    EXPECT_EQ(status_for(Error::uri_too_long), Status::uri_too_long);
    EXPECT_EQ(status_for(Error::header_too_large), Status::request_header_fields_too_large);
    EXPECT_EQ(status_for(Error::body_too_large), Status::content_too_large);
    EXPECT_EQ(status_for(Error::version_not_supported), Status::http_version_not_supported);
    EXPECT_EQ(status_for(Error::unsupported_transfer_coding), Status::not_implemented);
    for (int e = 0; e <= static_cast<int>(Error::incomplete_message); ++e)
        EXPECT_NE(describe(static_cast<Error>(e)), "unknown error") << e;
}
