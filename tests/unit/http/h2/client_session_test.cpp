// h2::ClientSession against h2::ServerSession in memory: several requests on one connection, their
// responses interleaved; a request body; 1xx skipped; trace lines; header-list limit.
#include "http/h2/client_session.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <map>

using namespace layer7::http;
using namespace layer7::http::h2;

namespace {

struct WholeBody : OutBody {
    std::string text;
    std::size_t at = 0;
    explicit WholeBody(std::string t) : text(std::move(t)) {}
    Pulled pull(std::uint8_t* buffer, std::size_t max) override
    {
        const std::size_t n = std::min(max, text.size() - at);
        std::memcpy(buffer, text.data() + at, n);
        at += n;
        return {n, at == text.size() ? State::end : State::more};
    }
};

// The server answers every request with "<path> <body>" repeated to `size` octets.
struct Server : SessionEvents {
    ServerSession* session = nullptr;
    std::map<std::int32_t, Request> requests;
    std::map<std::int32_t, std::string> uploads;
    std::map<std::int32_t, std::unique_ptr<WholeBody>> bodies;
    std::size_t size = 100;
    bool early_hints = false;
    std::string extra_field;

    void on_request(std::int32_t id, Request&& r, bool end) override
    {
        requests[id] = std::move(r);
        if (end)
            answer(id);
    }
    void on_data(std::int32_t id, std::string_view d) override
    {
        uploads[id] += d;
        session->consume(id, d.size());
    }
    void on_end_stream(std::int32_t id) override { answer(id); }
    void on_stream_close(std::int32_t, std::uint32_t) override {}
    void on_trace(bool, std::string_view) override {}

    void answer(std::int32_t id)
    {
        if (early_hints) {
            Response hints;
            hints.status = static_cast<Status>(103);
            hints.fields.add("link", "</a.png>; rel=preload");
            session->inform(id, hints);
        }
        std::string text;
        const std::string unit = requests[id].target + " " + uploads[id] + ";";
        while (text.size() < size)
            text += unit;
        text.resize(size);
        Response r;
        r.status = Status::ok;
        r.fields.add("content-type", "text/plain");
        if (!extra_field.empty())
            r.fields.add("x-big", extra_field);
        bodies[id] = std::make_unique<WholeBody>(text);
        session->respond(id, r, bodies[id].get());
    }
};

struct Client : ClientEvents {
    ClientSession* session = nullptr;
    std::map<std::int32_t, Response> heads;
    std::map<std::int32_t, std::string> bodies;
    std::map<std::int32_t, std::uint32_t> closed;
    std::vector<std::int32_t> data_order;  // the stream of each DATA chunk, as received
    std::vector<std::string> trace;

    void on_response(std::int32_t id, Response&& r) override { heads[id] = std::move(r); }
    void on_data(std::int32_t id, std::string_view d) override
    {
        bodies[id] += d;
        data_order.push_back(id);
        session->consume(id, d.size());
    }
    void on_stream_close(std::int32_t id, std::uint32_t code) override { closed[id] = code; }
    void on_trace(bool ours, std::string_view line) override
    {
        trace.push_back((ours ? "C: " : "S: ") + std::string(line));
    }
};

struct Pair {
    SessionLimits limits;
    SessionLimits client_limits;
    Server server_events;
    Client client_events;
    ServerSession server{server_events, limits, false};
    ClientSession client{client_events, client_limits, true};
    explicit Pair(std::uint32_t client_header_list = 64 * 1024) : client_limits{.max_header_list = client_header_list}
    {
        server_events.session = &server;
        client_events.session = &client;
    }
    // Moves bytes both ways until neither side has anything to say.
    void pump()
    {
        for (int round = 0; round < 1000; ++round) {
            std::string up, down;
            ASSERT_TRUE(client.output(up, 1 << 20));
            if (!up.empty()) {
                ASSERT_TRUE(server.feed(up));
            }
            ASSERT_TRUE(server.output(down, 16384));  // small writes, as a socket would take them
            if (!down.empty()) {
                ASSERT_TRUE(client.feed(down));
            }
            if (up.empty() && down.empty())
                return;
        }
        FAIL() << "the sessions never went quiet";
    }
};

Request get(const std::string& path)
{
    Request r;
    r.method = Method(MethodId::get);
    r.target = path;
    r.fields.add("User-Agent", "test");
    r.fields.add("Connection", "keep-alive");  // connection-specific: must not be sent
    return r;
}

}  // namespace

TEST(ClientSession, SeveralRequestsShareOneConnectionAndInterleave)
{
    Pair p;
    p.server_events.size = 200000;
    std::vector<std::int32_t> ids;
    for (const char* path : {"/big", "/a.png", "/b.png"}) {
        Request r = get(path);
        r.fields.add("priority", "u=3, i");  // RFC 9218 incremental: the server round-robins them
        ids.push_back(p.client.submit(r, "https", "example.test", ""));
    }
    EXPECT_EQ(ids, (std::vector<std::int32_t>{1, 3, 5}));
    p.pump();
    for (std::int32_t id : ids) {
        ASSERT_TRUE(p.client_events.heads.count(id)) << id;
        EXPECT_EQ(p.client_events.heads[id].status, Status::ok);
        EXPECT_EQ(p.client_events.heads[id].version.major, 2);
        EXPECT_EQ(p.client_events.bodies[id].size(), 200000u);
        EXPECT_EQ(p.client_events.closed[id], 0u);
    }
    EXPECT_EQ(p.client_events.bodies[3].substr(0, 8), "/a.png ;");
    EXPECT_EQ(p.server_events.requests[1].fields.get("user-agent"), "test");
    EXPECT_FALSE(p.server_events.requests[1].fields.get("connection"));
    // The small objects' data arrived before the big one's last chunk: interleaved, not queued.
    const auto& order = p.client_events.data_order;
    const auto last_big = std::find(order.rbegin(), order.rend(), 1);
    const auto first_small = std::find(order.begin(), order.end(), 3);
    EXPECT_LT(first_small - order.begin(), order.rend() - last_big - 1);
}

TEST(ClientSession, ARequestBodyIsSent)
{
    Pair p;
    Request post = get("/echo");
    post.method = Method(MethodId::post);
    const std::string upload(70000, 'x');  // past the 65535-octet default window: flow control works
    const auto id = p.client.submit(post, "http", "example.test", upload);
    p.pump();
    EXPECT_EQ(p.server_events.uploads[id], upload);
    EXPECT_EQ(p.client_events.heads[id].status, Status::ok);
}

TEST(ClientSession, InformationalHeadsAreSkipped)
{
    Pair p;
    p.server_events.early_hints = true;
    const auto id = p.client.submit(get("/"), "https", "example.test", "");
    p.pump();
    EXPECT_EQ(p.client_events.heads[id].status, Status::ok);
    EXPECT_FALSE(p.client_events.heads[id].fields.get("link"));
}

TEST(ClientSession, TraceShowsFramesAndFields)
{
    Pair p;
    p.client.submit(get("/x"), "https", "example.test", "");
    p.pump();
    const auto& t = p.client_events.trace;
    auto has = [&](std::string_view s) {
        return std::any_of(t.begin(), t.end(), [&](const std::string& l) { return l.find(s) != std::string::npos; });
    };
    EXPECT_TRUE(has("C: SETTINGS stream=0"));
    EXPECT_TRUE(has("C: HEADERS stream=1"));
    EXPECT_TRUE(has("C:     :path: /x"));
    EXPECT_TRUE(has("S: HEADERS stream=1"));
    EXPECT_TRUE(has("S:     :status: 200"));
}

TEST(ClientSession, AHeadListOverTheLimitResetsTheStream)
{
    Pair p(32 * 1024);
    p.server_events.extra_field = std::string(40 * 1024, 'v');
    const auto id = p.client.submit(get("/"), "https", "example.test", "");
    p.pump();
    EXPECT_FALSE(p.client_events.heads.count(id));
    EXPECT_NE(p.client_events.closed[id], 0u);
}
