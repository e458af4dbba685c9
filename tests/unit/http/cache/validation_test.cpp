// Tests for http/cache/validation (RFC 9111 §3.2, §4.3).
#include "http/cache/validation.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::cache;

namespace {

Response stored()
{
    Response r;
    r.fields.add("ETag", "\"xyzzy\"");
    r.fields.add("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
    r.fields.add("Cache-Control", "max-age=60");
    r.fields.add("Content-Length", "1234");
    r.fields.add("Content-Type", "text/html");
    return r;
}

}  // namespace

TEST(Validation, ConditionalRequestCarriesBothValidators)
{
    Request client;
    client.fields.add("Host", "example.com");
    client.fields.add("If-None-Match", "\"other\"");
    client.fields.add("If-Range", "\"x\"");
    Request c = conditional_request(client, stored());
    EXPECT_EQ(c.fields.get("If-None-Match"), "\"xyzzy\"");
    EXPECT_EQ(c.fields.count("If-None-Match"), 1u);
    EXPECT_EQ(c.fields.get("If-Modified-Since"), "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(c.fields.get("If-Range"), "\"x\"");  // it qualifies the Range, not our validation
    EXPECT_EQ(c.fields.get("Host"), "example.com");
    EXPECT_TRUE(has_validator(stored()));
    EXPECT_FALSE(has_validator(Response{}));
}

TEST(Validation, NotModifiedSelectsByTagThenDate)
{
    Response nm;
    nm.status = Status::not_modified;
    nm.fields.add("ETag", "W/\"xyzzy\"");  // weak comparison (§4.3.4)
    EXPECT_TRUE(not_modified_matches(stored(), nm));
    Response other;
    other.fields.add("ETag", "\"abc\"");
    EXPECT_FALSE(not_modified_matches(stored(), other));
    Response by_date;
    by_date.fields.add("Last-Modified", "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_TRUE(not_modified_matches(stored(), by_date));
    Response no_validators;
    EXPECT_FALSE(not_modified_matches(stored(), no_validators));  // the stored response has a tag
}

TEST(Validation, MergeUpdatesFieldsButNotFraming)
{
    Response nm;
    nm.status = Status::not_modified;
    nm.fields.add("Cache-Control", "max-age=120");
    nm.fields.add("Date", "Mon, 07 Nov 1994 08:49:37 GMT");
    nm.fields.add("Content-Length", "0");
    nm.fields.add("Connection", "close");
    Response m = merge_not_modified(stored(), nm);
    EXPECT_EQ(m.status, Status::ok);
    EXPECT_EQ(m.fields.get("Cache-Control"), "max-age=120");
    EXPECT_EQ(m.fields.count("Cache-Control"), 1u);
    EXPECT_EQ(m.fields.get("Date"), "Mon, 07 Nov 1994 08:49:37 GMT");
    EXPECT_EQ(m.fields.get("Content-Length"), "1234");
    EXPECT_FALSE(m.fields.contains("Connection"));
    EXPECT_EQ(m.fields.get("ETag"), "\"xyzzy\"");
}

TEST(Validation, ClientConditionalsAgainstStored)
{
    Request inm;
    inm.fields.add("If-None-Match", "\"a\", \"xyzzy\"");
    EXPECT_TRUE(client_not_modified(inm, stored()));
    Request miss;
    miss.fields.add("If-None-Match", "\"a\"");
    EXPECT_FALSE(client_not_modified(miss, stored()));
    Request ims;
    ims.fields.add("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_TRUE(client_not_modified(ims, stored()));
    Request older;
    older.fields.add("If-Modified-Since", "Sat, 05 Nov 1994 08:49:37 GMT");
    EXPECT_FALSE(client_not_modified(older, stored()));
    // If-None-Match takes precedence over If-Modified-Since (RFC 9110 §13.2.2).
    Request both = miss;
    both.fields.add("If-Modified-Since", "Sun, 06 Nov 1994 08:49:37 GMT");
    EXPECT_FALSE(client_not_modified(both, stored()));
}

TEST(Validation, QualifiedNoCacheFieldsAreNotServedUnvalidated)
{
    // §5.2.2.4: the named fields may not go out from the cache without a successful validation.
    Response r = stored();
    r.fields.set("Cache-Control", R"(max-age=60, no-cache="Set-Cookie, X-Session")");
    r.fields.add("Set-Cookie", "a=1");
    r.fields.add("x-session", "s1");
    r.fields.add("X-Session", "s2");
    strip_no_cache_fields(r.fields);
    EXPECT_FALSE(r.fields.contains("Set-Cookie"));
    EXPECT_FALSE(r.fields.contains("X-Session"));
    EXPECT_EQ(r.fields.get("Content-Type"), "text/html");
    // Unqualified no-cache names no field: nothing is removed (the whole response is revalidated).
    Response plain = stored();
    plain.fields.set("Cache-Control", "no-cache");
    const auto before = plain.fields.storage_bytes();
    strip_no_cache_fields(plain.fields);
    EXPECT_EQ(plain.fields.storage_bytes(), before);
}
