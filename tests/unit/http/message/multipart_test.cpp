// multipart/form-data (RFC 7578, RFC 2046 §5.1): boundaries, parts, limits at −1/0/+1, every split.
#include "http/message/multipart.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace layer7::http {
namespace {

using namespace std::string_literals;

// Records the parts as "name|filename|type=content" strings.
struct Recorder final : MultipartSink {
    std::vector<std::string> parts;
    std::string current;
    int open = 0;
    void on_part(const PartHead& h) override
    {
        ++open;
        current = h.name + "|" + (h.filename ? "f:" + *h.filename : "-") + "|" + h.content_type + "=";
    }
    void on_data(std::string_view bytes) override
    {
        ASSERT_EQ(open, 1);
        current.append(bytes);
    }
    void on_part_end() override
    {
        --open;
        parts.push_back(current);
    }
};

struct Outcome {
    std::vector<std::string> parts;
    MultipartError error = MultipartError::none;
};

// Feeds `body` in pieces of `step` bytes (0: whole).
Outcome parse(const std::string& body, std::size_t step = 0, const MultipartLimits& limits = {},
              const std::string& boundary = "XyZ")
{
    MultipartParser parser(boundary, limits);
    Recorder r;
    Outcome out;
    const std::size_t n = step == 0 ? body.size() : step;
    for (std::size_t at = 0; at < body.size() && out.error == MultipartError::none; at += n)
        out.error = parser.feed(std::string_view(body).substr(at, n), r);
    if (out.error == MultipartError::none)
        out.error = parser.finish();
    out.parts = r.parts;
    return out;
}

const std::string curl_body =
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"animal\"\r\n"
    "\r\n"
    "monkeys\r\n"
    "--XyZ\r\n"
    "Content-Disposition: form-data; name=\"photo\"; filename=\"a b.bin\"\r\n"
    "Content-Type: application/octet-stream\r\n"
    "\r\n"
    "\x00\x01\r\n--XyY-not-yet\r\n--X\r\n"
    "--XyZ--\r\n"
    "epilogue ignored"s;

TEST(FormDataBoundary, FromContentType)
{
    EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=XyZ"), "XyZ");
    EXPECT_EQ(form_data_boundary("Multipart/Form-Data;boundary=\"a b:c\""), "a b:c");
    EXPECT_EQ(form_data_boundary("multipart/form-data; charset=utf-8; boundary=----WebKitFormBoundary7MA4YWxk"),
              "----WebKitFormBoundary7MA4YWxk");
    EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=" + std::string(70, 'a')), std::string(70, 'a'));
    EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=" + std::string(71, 'a')), std::nullopt);
    EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=\"ends in space \""), std::nullopt);
    EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=\"\""), std::nullopt);
    EXPECT_EQ(form_data_boundary("multipart/form-data; boundary=\"bad<char\""), std::nullopt);
    EXPECT_EQ(form_data_boundary("multipart/form-data"), std::nullopt);
    EXPECT_EQ(form_data_boundary("multipart/mixed; boundary=XyZ"), std::nullopt);
    EXPECT_EQ(form_data_boundary("application/x-www-form-urlencoded"), std::nullopt);
    EXPECT_EQ(form_data_boundary("multipart/form-data; boundary"), std::nullopt);
}

TEST(Multipart, FieldsAndAFile)
{
    const Outcome o = parse(curl_body);
    ASSERT_EQ(o.error, MultipartError::none);
    ASSERT_EQ(o.parts.size(), 2u);
    EXPECT_EQ(o.parts[0], "animal|-|text/plain=monkeys");
    EXPECT_EQ(o.parts[1], "photo|f:a b.bin|application/octet-stream=\x00\x01\r\n--XyY-not-yet\r\n--X"s);
}

TEST(Multipart, EverySplitGivesTheSameParts)
{
    const Outcome whole = parse(curl_body);
    for (std::size_t step = 1; step <= curl_body.size(); ++step) {
        const Outcome o = parse(curl_body, step);
        EXPECT_EQ(o.error, MultipartError::none) << step;
        EXPECT_EQ(o.parts, whole.parts) << step;
    }
    // Split into two at every offset.
    for (std::size_t cut = 0; cut <= curl_body.size(); ++cut) {
        MultipartParser parser("XyZ");
        Recorder r;
        ASSERT_EQ(parser.feed(curl_body.substr(0, cut), r), MultipartError::none) << cut;
        ASSERT_EQ(parser.feed(curl_body.substr(cut), r), MultipartError::none) << cut;
        ASSERT_EQ(parser.finish(), MultipartError::none);
        EXPECT_EQ(r.parts, whole.parts) << cut;
    }
}

TEST(Multipart, PreambleTransportPaddingAndEmptyParts)
{
    const std::string padded = "preamble\r\n--XyZ  \t\r\nContent-Disposition: form-data; name=e\r\n\r\n\r\n--XyZ--";
    for (std::size_t step : {0, 1, 2, 3, 5}) {  // the fuzzer found CR and LF of the padding's CRLF split apart
        const Outcome o = parse(padded, step);
        ASSERT_EQ(o.error, MultipartError::none) << step;
        EXPECT_EQ(o.parts, std::vector<std::string>{"e|-|text/plain="});
    }
    EXPECT_EQ(parse("--XyZ--\r\n").parts.size(), 0u);  // an empty form
}

TEST(Multipart, MalformedBodies)
{
    const std::string part = "Content-Disposition: form-data; name=a\r\n\r\nx\r\n";
    EXPECT_EQ(parse("").error, MultipartError::truncated);
    EXPECT_EQ(parse("no boundary at all").error, MultipartError::truncated);
    EXPECT_EQ(parse("--XyZ\r\n" + part).error, MultipartError::truncated);
    EXPECT_EQ(parse("--XyZjunk\r\n" + part + "--XyZ--").error, MultipartError::bad_delimiter_line);
    EXPECT_EQ(parse("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--").error, MultipartError::missing_name);
    EXPECT_EQ(parse("--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--").error, MultipartError::missing_name);
    EXPECT_EQ(parse("--XyZ\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--XyZ--").error,
              MultipartError::bad_header);
    EXPECT_EQ(parse("--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--XyZ--").error,
              MultipartError::bad_header);
    EXPECT_EQ(parse("--XyZ\r\nno colon\r\n\r\nx\r\n--XyZ--").error, MultipartError::bad_header);
    EXPECT_EQ(parse("--XyZ\r\nContent-Disposition: form-data;\r\n name=a\r\n\r\nx\r\n--XyZ--").error,
              MultipartError::bad_header);  // folded
    EXPECT_EQ(parse("--XyZ\r\n" + std::string("Content-Disposition: form-data; name=a\r\n") +
                    "Content-Disposition: form-data; name=b\r\n\r\nx\r\n--XyZ--")
                  .error,
              MultipartError::bad_header);
    // After an error every feed says so.
    MultipartParser parser("XyZ");
    Recorder r;
    EXPECT_EQ(parser.feed("--XyZjunk\r\n", r), MultipartError::bad_delimiter_line);
    EXPECT_EQ(parser.feed("--XyZ--", r), MultipartError::bad_delimiter_line);
    EXPECT_EQ(parser.finish(), MultipartError::bad_delimiter_line);
}

std::string parts(std::size_t n)
{
    std::string body;
    for (std::size_t i = 0; i < n; ++i)
        body += "--XyZ\r\nContent-Disposition: form-data; name=p" + std::to_string(i) + "\r\n\r\nv\r\n";
    return body + "--XyZ--";
}

TEST(Multipart, PartLimit)
{
    MultipartLimits limits;
    limits.max_parts = 3;
    EXPECT_EQ(parse(parts(2), 0, limits).error, MultipartError::none);
    EXPECT_EQ(parse(parts(3), 0, limits).error, MultipartError::none);
    EXPECT_EQ(parse(parts(4), 0, limits).error, MultipartError::too_many_parts);
}

TEST(Multipart, HeaderLimits)
{
    // The header block is the line (with its CRLF) plus the empty line's CRLF.
    const std::string head = "Content-Disposition: form-data; name=a\r\nX-Pad: ";
    auto body = [&](std::size_t pad) { return "--XyZ\r\n" + head + std::string(pad, 'p') + "\r\n\r\nx\r\n--XyZ--"; };
    const std::size_t fixed = head.size() + 2 + 2;
    MultipartLimits limits;
    limits.max_header_bytes = fixed + 10;
    EXPECT_EQ(parse(body(9), 0, limits).error, MultipartError::none);
    EXPECT_EQ(parse(body(10), 0, limits).error, MultipartError::none);
    EXPECT_EQ(parse(body(11), 0, limits).error, MultipartError::header_too_long);
    EXPECT_EQ(parse(body(11), 1, limits).error, MultipartError::header_too_long);
    // An endless header line is refused without waiting for its end.
    MultipartParser parser("XyZ", limits);
    Recorder r;
    EXPECT_EQ(parser.feed("--XyZ\r\nX: " + std::string(200, 'a'), r), MultipartError::header_too_long);

    limits = {};
    limits.max_header_lines = 2;
    const std::string two = "--XyZ\r\nContent-Disposition: form-data; name=a\r\nA: 1\r\n\r\nx\r\n--XyZ--";
    const std::string three = "--XyZ\r\nContent-Disposition: form-data; name=a\r\nA: 1\r\nB: 2\r\n\r\nx\r\n--XyZ--";
    EXPECT_EQ(parse(two, 0, limits).error, MultipartError::none);
    EXPECT_EQ(parse(three, 0, limits).error, MultipartError::header_too_long);
}

TEST(Multipart, MemoryStaysBoundedForLargeContent)
{
    MultipartParser parser("XyZ");
    Recorder r;
    ASSERT_EQ(parser.feed("--XyZ\r\nContent-Disposition: form-data; name=f; filename=big\r\n\r\n", r),
              MultipartError::none);
    std::size_t reported = r.current.size();
    const std::string piece(4096, 'z');
    for (int i = 0; i < 100; ++i) {
        ASSERT_EQ(parser.feed(piece, r), MultipartError::none);
        // Everything but a possible delimiter prefix has been reported.
        EXPECT_GE(r.current.size() - reported + 7, (i + 1) * piece.size());
    }
    ASSERT_EQ(parser.feed("\r\n--XyZ--", r), MultipartError::none);
    ASSERT_EQ(parser.finish(), MultipartError::none);
    EXPECT_EQ(r.parts.size(), 1u);
    EXPECT_EQ(r.parts[0].size(), std::string("f|f:big|text/plain=").size() + 100 * piece.size());
}

TEST(Multipart, SeventyCharacterBoundary)
{
    const std::string b(70, '-');
    const std::string body =
        "--" + b + "\r\nContent-Disposition: form-data; name=a\r\n\r\n" + std::string(69, '-') + "\r\n--" + b + "--";
    const Outcome o = parse(body, 3, {}, b);
    ASSERT_EQ(o.error, MultipartError::none);
    EXPECT_EQ(o.parts, std::vector<std::string>{"a|-|text/plain=" + std::string(69, '-')});
}

// A whole body in memory (web mail's compose form): fields and files, including a binary file
// with CRLFs and a line that nearly is the boundary.
TEST(FormFields, FieldsAndFilesOfAWholeBody)
{
    static constexpr char raw[] = "\x00\xff\r\n--Xy\r\n-XyZ\r\nend";
    const std::string binary(raw, sizeof raw - 1);
    const std::string body =
        "--XyZ\r\nContent-Disposition: form-data; name=\"to\"\r\n\r\nbob@hamburger.edu\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nline 1\r\nline 2\r\n\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"attach\"; filename=\"cr\xc3\xaape.bin\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n" +
        binary +
        "\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=\"attach\"; filename=\"\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n\r\n--XyZ--\r\n";
    auto fields = parse_form_fields("multipart/form-data; boundary=XyZ", body);
    ASSERT_TRUE(fields);
    ASSERT_EQ(fields->size(), 4u);
    EXPECT_EQ(form_value(*fields, "to"), "bob@hamburger.edu");
    EXPECT_EQ(form_value(*fields, "text"), "line 1\r\nline 2\r\n");
    EXPECT_TRUE((*fields)[2].is_file());
    EXPECT_EQ(*(*fields)[2].head.filename, "cr\xc3\xaape.bin");
    EXPECT_EQ((*fields)[2].head.content_type, "application/octet-stream");
    EXPECT_EQ((*fields)[2].data, binary);
    EXPECT_FALSE((*fields)[3].is_file());  // no file chosen: an empty file name
    EXPECT_EQ(form_value(*fields, "missing"), "");
}

TEST(FormFields, RefusesOtherTypesMalformedBodiesAndTooManyParts)
{
    EXPECT_FALSE(parse_form_fields("application/x-www-form-urlencoded", "a=b"));
    EXPECT_FALSE(parse_form_fields("multipart/form-data", "--b\r\n"));  // no boundary
    EXPECT_FALSE(parse_form_fields("multipart/form-data; boundary=b", "no delimiter here at all"));
    EXPECT_FALSE(parse_form_fields("multipart/form-data; boundary=b", "--b\r\nX-Other: 1\r\n\r\nv\r\n--b--"));
    std::string many;
    for (int i = 0; i < 10; ++i)
        many += "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\nx\r\n";
    many += "--b--\r\n";
    EXPECT_FALSE(parse_form_fields("multipart/form-data; boundary=b", many, {.max_parts = 9}));
    EXPECT_TRUE(parse_form_fields("multipart/form-data; boundary=b", many, {.max_parts = 10}));
}

}  // namespace
}  // namespace layer7::http
