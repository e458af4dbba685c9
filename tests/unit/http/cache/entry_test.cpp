// Tests for http/cache/entry: the cache file format round trip and its corruption checks.
#include "http/cache/entry.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::cache;

namespace {

Entry sample()
{
    Entry e;
    e.primary = "GET http://example.com/a";
    e.vary = {"accept-encoding", "accept-language"};
    e.key = e.primary + "\naccept-encoding=gzip\n";
    e.response.status = Status::ok;
    e.response.reason = "OK";
    e.response.fields.add("Content-Type", "text/plain");
    e.response.fields.add("ETag", "\"v1\"");
    e.response.fields.add("Set-Something", "a:b:c");
    e.body = std::make_shared<const std::string>(std::string("hello\nworld\0binary", 18));
    e.request_time = Time(std::chrono::seconds(1000));
    e.response_time = Time(std::chrono::seconds(1002));
    return e;
}

}  // namespace

TEST(Entry, RoundTrip)
{
    const Entry e = sample();
    const std::string bytes = encode_entry(e);
    auto d = decode_entry(bytes);
    ASSERT_TRUE(d);
    EXPECT_EQ(d->key, e.key);
    EXPECT_EQ(d->primary, e.primary);
    EXPECT_EQ(d->vary, e.vary);
    EXPECT_EQ(d->response.status, Status::ok);
    EXPECT_EQ(d->response.reason, "OK");
    EXPECT_EQ(d->response.fields, e.response.fields);
    EXPECT_EQ(*d->body, *e.body);
    EXPECT_EQ(d->request_time, e.request_time);
    EXPECT_EQ(d->response_time, e.response_time);
    EXPECT_EQ(peek_entry_key(bytes.substr(0, 200)), e.key);
    EXPECT_EQ(encode_entry(*d), bytes);
}

TEST(Entry, EveryTruncationIsRejected)
{
    const std::string bytes = encode_entry(sample());
    for (std::size_t n = 0; n < bytes.size(); ++n)
        EXPECT_FALSE(decode_entry(bytes.substr(0, n))) << n;
    EXPECT_FALSE(decode_entry(bytes + "x"));
}

TEST(Entry, LimitsAndGarbage)
{
    const std::string bytes = encode_entry(sample());
    EntryLimits small;
    small.max_body = 17;
    EXPECT_FALSE(decode_entry(bytes, small));
    small.max_body = 18;
    EXPECT_TRUE(decode_entry(bytes, small));
    EXPECT_FALSE(decode_entry("L7CACHE1\n1 2 200 x\n"));
    EXPECT_FALSE(decode_entry("not a cache file"));
    std::string bad = bytes;
    bad.replace(bad.find("Content-Type"), 1, " ");  // a field name that is not a token
    EXPECT_FALSE(decode_entry(bad));
}
