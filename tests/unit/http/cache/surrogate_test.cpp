// Tests for http/cache/surrogate (Surrogate-Control over Cache-Control for our cache).
#include "http/cache/surrogate.hpp"

#include <gtest/gtest.h>

#include "http/cache/freshness.hpp"

using namespace layer7::http;
using namespace layer7::http::cache;

namespace {

Response response(std::initializer_list<std::pair<const char*, const char*>> fields)
{
    Response r;
    for (const auto& [n, v] : fields)
        r.fields.add(n, v);
    return r;
}

Request get()
{
    return Request{};
}

}  // namespace

TEST(Surrogate, MaxAgeTakesPrecedenceOverCacheControl)
{
    auto r = response({{"Cache-Control", "private, no-cache, max-age=0"}, {"Surrogate-Control", "max-age=600"}});
    const Response view = surrogate_view(r, "layer7");
    EXPECT_TRUE(is_storable(get(), view));
    EXPECT_EQ(freshness_lifetime(view), std::chrono::seconds(600));
    EXPECT_EQ(decide(get(), view, std::chrono::seconds(10), std::chrono::seconds(600)), Use::fresh);
    EXPECT_EQ(r.fields.get("Cache-Control"), "private, no-cache, max-age=0");  // the original is untouched
}

TEST(Surrogate, NoStoreAndTargeting)
{
    EXPECT_FALSE(is_storable(
        get(),
        surrogate_view(response({{"Cache-Control", "max-age=600"}, {"Surrogate-Control", "no-store"}}), "layer7")));
    auto other = response({{"Cache-Control", "max-age=60"}, {"Surrogate-Control", "max-age=600;cdn"}});
    EXPECT_EQ(freshness_lifetime(surrogate_view(other, "layer7")), std::chrono::seconds(60));
    auto none = response({{"Cache-Control", "max-age=60"}});
    EXPECT_EQ(surrogate_view(none, "layer7").fields.get("Cache-Control"), "max-age=60");
}
