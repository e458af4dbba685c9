// Site over a real temporary directory: validators, 304, ranges, gzip, the file cache, PUT/DELETE.
#include "http/server/site.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace layer7::http {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string body_of(const Reply& r)
{
    std::string out;
    for (const auto& p : r.body) {
        if (p.file) {
            std::string chunk(p.length, '\0');
            EXPECT_EQ(::pread(p.file->fd, chunk.data(), p.length, static_cast<off_t>(p.offset)),
                      static_cast<ssize_t>(p.length));
            out += chunk;
        } else {
            out += p.bytes();
        }
    }
    return out;
}

class SiteTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        dir = fs::temp_directory_path() / ("site-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir / "docs");
        std::ofstream(dir / "hello.txt") << "hello, world\n";
        std::ofstream(dir / "page.html") << std::string(2000, 'a');
        big = std::string(300000, 'x');  // over the in-memory limit: served from a descriptor
        for (std::size_t i = 0; i < big.size(); i += 7)
            big[i] = static_cast<char>('a' + i % 26);
        std::ofstream(dir / "big.bin") << big;
        std::ofstream(dir / "docs" / "note.txt") << "n";
        SiteOptions o;
        o.writable = true;
        o.cache_rules = {{"/", 60}, {"/docs/", 3600}};
        site = std::make_unique<Site>(dir.string(), o);
    }
    void TearDown() override { fs::remove_all(dir); }

    Reply get(std::string path, std::initializer_list<std::pair<const char*, std::string>> fields = {},
              MethodId m = MethodId::get)
    {
        Request r;
        r.method = Method(m);
        r.target = path;
        for (auto& [k, v] : fields)
            r.fields.add(k, v);
        return site->get(r, path, "", now += std::chrono::seconds(2), worker);
    }
    Status put(std::string path, std::string body,
               std::initializer_list<std::pair<const char*, std::string>> fields = {})
    {
        Request r;
        r.method = Method(MethodId::put);
        for (auto& [k, v] : fields)
            r.fields.add(k, v);
        return site->put(r, path, body).response.status;
    }
    Status remove(std::string path, std::initializer_list<std::pair<const char*, std::string>> fields = {})
    {
        Request r;
        r.method = Method(MethodId::delete_);
        for (auto& [k, v] : fields)
            r.fields.add(k, v);
        return site->remove(r, path).response.status;
    }

    fs::path dir;
    std::string big;
    std::unique_ptr<Site> site;
    // The file cache is a worker's (a connection passes its own): each test starts with an empty one.
    asio::io_context io;
    core::WorkerSlots& worker = core::WorkerSlots::of(io);
    Clock::time_point now = Clock::now();
};

TEST_F(SiteTest, ServesWithValidatorsAndType)
{
    Reply r = get("/hello.txt");
    EXPECT_EQ(r.response.status, Status::ok);
    EXPECT_EQ(body_of(r), "hello, world\n");
    EXPECT_EQ(r.response.fields.get("Content-Type"), "text/plain; charset=utf-8");
    EXPECT_TRUE(r.response.fields.get("ETag"));
    EXPECT_TRUE(r.response.fields.get("Last-Modified"));
    EXPECT_EQ(r.response.fields.get("Cache-Control"), "max-age=60");
    EXPECT_EQ(get("/docs/note.txt").response.fields.get("Cache-Control"), "max-age=3600");  // longest prefix
    EXPECT_EQ(body_of(get("/big.bin")), big);                                               // via an open descriptor
    EXPECT_EQ(get("/missing").response.status, Status::not_found);
}

TEST_F(SiteTest, ConditionalGetGives304)
{
    Reply first = get("/hello.txt");
    const std::string etag(*first.response.fields.get("ETag"));
    Reply again = get("/hello.txt", {{"If-None-Match", etag}});
    EXPECT_EQ(again.response.status, Status::not_modified);
    EXPECT_TRUE(again.body.empty());
    Reply since = get("/hello.txt", {{"If-Modified-Since", std::string(*first.response.fields.get("Last-Modified"))}});
    EXPECT_EQ(since.response.status, Status::not_modified);
}

TEST_F(SiteTest, SingleAndMultipleRangesAndUnsatisfiable)
{
    Reply r = get("/big.bin", {{"Range", "bytes=0-99"}});
    EXPECT_EQ(r.response.status, Status::partial_content);
    EXPECT_EQ(r.response.fields.get("Content-Range"), "bytes 0-99/300000");
    EXPECT_EQ(body_of(r), big.substr(0, 100));
    r = get("/big.bin", {{"Range", "bytes=-10"}});
    EXPECT_EQ(body_of(r), big.substr(299990));
    r = get("/big.bin", {{"Range", "bytes=0-1,10-11"}});
    EXPECT_EQ(r.response.status, Status::partial_content);
    EXPECT_TRUE(r.response.fields.get("Content-Type")->starts_with("multipart/byteranges; boundary="));
    const std::string body = body_of(r);
    EXPECT_NE(body.find("Content-Range: bytes 0-1/300000\r\n\r\n" + big.substr(0, 2)), std::string::npos);
    EXPECT_NE(body.find("Content-Range: bytes 10-11/300000\r\n\r\n" + big.substr(10, 2)), std::string::npos);
    r = get("/big.bin", {{"Range", "bytes=400000-"}});
    EXPECT_EQ(r.response.status, Status::range_not_satisfiable);
    EXPECT_EQ(r.response.fields.get("Content-Range"), "bytes */300000");
    // If-Range with a stale validator: the whole file instead of the range.
    r = get("/big.bin", {{"Range", "bytes=0-9"}, {"If-Range", "\"stale\""}});
    EXPECT_EQ(r.response.status, Status::ok);
}

TEST_F(SiteTest, GzipOnlyForCompressibleTypesThatAskForIt)
{
    Reply r = get("/page.html", {{"Accept-Encoding", "gzip, deflate"}});
    EXPECT_EQ(r.response.fields.get("Content-Encoding"), "gzip");
    EXPECT_EQ(r.response.fields.get("Vary"), "Accept-Encoding");
    EXPECT_LT(r.body_size(), 2000u);
    EXPECT_NE(*r.response.fields.get("ETag"), *get("/page.html").response.fields.get("ETag"));
    EXPECT_FALSE(get("/page.html", {{"Accept-Encoding", "gzip;q=0"}}).response.fields.contains("Content-Encoding"));
    EXPECT_FALSE(get("/big.bin", {{"Accept-Encoding", "gzip"}}).response.fields.contains("Content-Encoding"));
}

TEST_F(SiteTest, DirectoriesRedirectIndexAndList)
{
    Reply r = get("/docs");
    EXPECT_EQ(r.response.status, Status::moved_permanently);
    EXPECT_EQ(r.response.fields.get("Location"), "/docs/");
    r = get("/docs/");
    EXPECT_EQ(r.response.status, Status::ok);
    EXPECT_NE(body_of(r).find("note.txt"), std::string::npos);
    std::ofstream(dir / "docs" / "index.html") << "index!";
    EXPECT_EQ(body_of(get("/docs/")), "index!");
}

TEST_F(SiteTest, PutCreatesThenReplacesAndDeleteRemoves)
{
    EXPECT_EQ(put("/new.txt", "v1"), Status::created);
    EXPECT_EQ(body_of(get("/new.txt")), "v1");
    EXPECT_EQ(put("/new.txt", "v2"), Status::no_content);
    EXPECT_EQ(body_of(get("/new.txt")), "v2");                    // the cache noticed the write at once
    EXPECT_EQ(put("/nodir/deeper/x.txt", "v"), Status::created);  // parents made (create_full_put_path)
    EXPECT_EQ(body_of(get("/nodir/deeper/x.txt")), "v");
    EXPECT_EQ(put("/new.txt/x.txt", "v"), Status::conflict);  // a parent that is a file
    EXPECT_EQ(remove("/new.txt"), Status::no_content);
    EXPECT_EQ(get("/new.txt").response.status, Status::not_found);
    EXPECT_EQ(remove("/new.txt"), Status::not_found);
    for (const auto& e : fs::directory_iterator(dir))
        EXPECT_FALSE(e.path().filename().string().starts_with(".layer7-tmp")) << e.path();
}

TEST_F(SiteTest, WritesHonourPreconditions)
{
    EXPECT_EQ(put("/p.txt", "v1", {{"If-Match", "*"}}), Status::precondition_failed);  // nothing to match yet
    EXPECT_EQ(put("/p.txt", "v1", {{"If-None-Match", "*"}}), Status::created);
    EXPECT_EQ(put("/p.txt", "v2", {{"If-None-Match", "*"}}), Status::precondition_failed);
    const std::string etag(get("/p.txt").response.fields.get("ETag").value_or(""));
    EXPECT_EQ(put("/p.txt", "v2", {{"If-Match", "\"stale\""}}), Status::precondition_failed);
    EXPECT_EQ(body_of(get("/p.txt")), "v1");
    EXPECT_EQ(remove("/p.txt", {{"If-Match", "\"stale\""}}), Status::precondition_failed);
    EXPECT_EQ(remove("/p.txt", {{"If-Match", etag}}), Status::no_content);
    EXPECT_EQ(put("/q.txt", "abc", {{"Content-Range", "bytes 0-2/10"}}), Status::bad_request);
}

TEST_F(SiteTest, SymlinkOutOfTheRootIsRefused)
{
    std::ofstream(dir.parent_path() / ("secret-" + std::to_string(::getpid()))) << "secret";
    fs::create_symlink(dir.parent_path() / ("secret-" + std::to_string(::getpid())), dir / "leak");
    Reply r = get("/leak");
    EXPECT_EQ(r.response.status, Status::forbidden);
    EXPECT_EQ(body_of(r).find("secret"), std::string::npos);
    fs::remove(dir.parent_path() / ("secret-" + std::to_string(::getpid())));
}

TEST_F(SiteTest, DashSegmentsAreImmutableManifestsShortLivedBothCors)
{
    EXPECT_EQ(put("/live/seg-1.m4s", "segment"), Status::created);
    EXPECT_EQ(put("/live/manifest.mpd", "<MPD/>"), Status::created);
    // A configured [[http.cache]] rule wins (the fixture has one for "/"); without rules:
    EXPECT_EQ(get("/live/seg-1.m4s").response.fields.get("Cache-Control"), "max-age=60");
    site = std::make_unique<Site>(dir.string(), SiteOptions{});
    Reply seg = get("/live/seg-1.m4s");
    EXPECT_EQ(seg.response.fields.get("Content-Type"), "video/iso.segment");
    EXPECT_EQ(seg.response.fields.get("Cache-Control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(seg.response.fields.get("Access-Control-Allow-Origin"), "*");
    Reply mpd = get("/live/manifest.mpd");
    EXPECT_EQ(mpd.response.fields.get("Content-Type"), "application/dash+xml");
    EXPECT_EQ(mpd.response.fields.get("Cache-Control"), "max-age=2");
    EXPECT_EQ(mpd.response.fields.get("Access-Control-Allow-Origin"), "*");
}

TEST(AcceptsGzip, Variants)
{
    EXPECT_TRUE(accepts_gzip("gzip"));
    EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.5"));
    EXPECT_TRUE(accepts_gzip("*"));
    EXPECT_TRUE(accepts_gzip("GZIP"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0.000"));
    EXPECT_FALSE(accepts_gzip("br, deflate"));
    EXPECT_FALSE(accepts_gzip(""));
}

}  // namespace
}  // namespace layer7::http
