// multipart/form-data: fields and files (binary, with CRLFs and a near-boundary line), limits, junk.
#include "mail/web/form_data.hpp"

#include <gtest/gtest.h>

namespace layer7::mail::web {
namespace {

constexpr char raw[] = "\x00\xff\r\n--boundar\r\n\r\nend";
const std::string binary(raw, sizeof raw - 1);

std::string body()
{
    return "--XyZ\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\nbob@hamburger.edu\r\n"
           "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nline 1\r\nline 2\r\n\r\n"
           "--XyZ\r\nContent-Disposition: form-data; name=\"attach\"; filename=\"cr\xc3\xaape.bin\"\r\n"
           "Content-Type: application/octet-stream\r\n\r\n" + binary + "\r\n"
           "--XyZ\r\nContent-Disposition: form-data; name=\"attach\"; filename=\"\"\r\n"
           "Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--\r\n";
}

TEST(FormData, FieldsAndFiles)
{
    auto parts = parse_form_data("multipart/form-data; boundary=XyZ", body());
    ASSERT_TRUE(parts);
    ASSERT_EQ(parts->size(), 4u);
    EXPECT_EQ(form_value(*parts, "to"), "bob@hamburger.edu");
    EXPECT_EQ(form_value(*parts, "text"), "line 1\r\nline 2\r\n");
    EXPECT_EQ((*parts)[2].filename, "cr\xc3\xaape.bin");
    EXPECT_TRUE((*parts)[2].is_file());
    EXPECT_EQ((*parts)[2].data, binary);
    EXPECT_EQ((*parts)[2].content_type, "application/octet-stream");
    EXPECT_FALSE((*parts)[3].is_file());  // no file chosen: an empty name
    EXPECT_EQ(form_value(*parts, "missing"), "");
}

TEST(FormData, QuotedBoundaryAndLfOnly)
{
    auto parts = parse_form_data("multipart/form-data; boundary=\"a b\"",
                                 "--a b\nContent-Disposition: form-data; name=x\n\nvalue\n--a b--\n");
    ASSERT_TRUE(parts);
    EXPECT_EQ(form_value(*parts, "x"), "value");
}

TEST(FormData, RefusesOtherTypesAndTooManyParts)
{
    EXPECT_FALSE(parse_form_data("application/x-www-form-urlencoded", "a=b"));
    EXPECT_FALSE(parse_form_data("multipart/form-data", body()));  // no boundary
    std::string many;
    for (int i = 0; i < 10; ++i)
        many += "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
    many += "--b--\r\n";
    EXPECT_FALSE(parse_form_data("multipart/form-data; boundary=b", many, {.max_parts = 5}));
    EXPECT_TRUE(parse_form_data("multipart/form-data; boundary=b", many, {.max_parts = 10}));
}

TEST(FormData, JunkGivesNoFields)
{
    auto parts = parse_form_data("multipart/form-data; boundary=b", "no delimiter here at all");
    EXPECT_TRUE(!parts || parts->empty());
    parts = parse_form_data("multipart/form-data; boundary=b", "--b\r\nX-Other: 1\r\n\r\nv\r\n--b--");
    ASSERT_TRUE(parts);
    EXPECT_TRUE(parts->empty());  // a part without form-data disposition is skipped
}

}  // namespace
}  // namespace layer7::mail::web
