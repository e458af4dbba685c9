// h2::ServerSession without sockets: an nghttp2 client session in memory talks to it, so every
// byte is a real client's; hand-written frames cover what a well-behaved client never sends.
#include "http/h2/server_session.hpp"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace layer7::http;
using namespace layer7::http::h2;

namespace {

constexpr std::string_view preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

std::string frame(std::uint8_t type, std::uint8_t flags, std::uint32_t stream, std::string_view payload)
{
    std::string f;
    const auto n = static_cast<std::uint32_t>(payload.size());
    f += static_cast<char>(n >> 16);
    f += static_cast<char>(n >> 8);
    f += static_cast<char>(n);
    f += static_cast<char>(type);
    f += static_cast<char>(flags);
    for (int shift : {24, 16, 8, 0})
        f += static_cast<char>(stream >> shift);
    return f + std::string(payload);
}

// The server side: records events and answers each request with `body` when asked to.
struct Server : SessionEvents {
    struct Seen {
        Request request;
        std::string body;
        bool ended = false;
        bool closed = false;
        std::uint32_t close_code = 0;
    };
    std::map<std::int32_t, Seen> streams;
    std::vector<std::string> trace;

    void on_request(std::int32_t id, Request&& r, bool end) override
    {
        streams[id].request = std::move(r);
        streams[id].ended = end;
    }
    void on_data(std::int32_t id, std::string_view d) override { streams[id].body += d; }
    void on_end_stream(std::int32_t id) override { streams[id].ended = true; }
    void on_stream_close(std::int32_t id, std::uint32_t code) override
    {
        streams[id].closed = true;
        streams[id].close_code = code;
    }
    void on_trace(bool ours, std::string_view line) override
    {
        trace.push_back((ours ? "S: " : "C: ") + std::string(line));
    }
};

// A body handed out in pieces, with a pause after the first.
struct PiecesBody : OutBody {
    std::vector<std::string> pieces;
    std::size_t next = 0;
    bool paused = false;
    Pulled pull(std::uint8_t* buffer, std::size_t max) override
    {
        if (paused)
            return {0, State::wait};
        if (next == pieces.size())
            return {0, State::end};
        const std::string& p = pieces[next++];
        EXPECT_LE(p.size(), max);
        std::memcpy(buffer, p.data(), p.size());
        return {p.size(), next == pieces.size() ? State::end : State::more};
    }
};

// An nghttp2 client in memory: collects responses per stream.
struct Client {
    struct Got {
        std::map<std::string, std::string> fields;
        std::string body;
        bool closed = false;
        std::uint32_t code = 0;
    };
    nghttp2_session* session = nullptr;
    std::map<std::int32_t, Got> got;
    std::uint32_t goaway_code = 0;
    bool goaway = false;

    Client()
    {
        nghttp2_session_callbacks* cb;
        nghttp2_session_callbacks_new(&cb);
        nghttp2_session_callbacks_set_on_header_callback(
            cb, [](nghttp2_session*, const nghttp2_frame* f, const std::uint8_t* n, std::size_t nl,
                   const std::uint8_t* v, std::size_t vl, std::uint8_t, void* u) {
                static_cast<Client*>(u)->got[f->hd.stream_id].fields[std::string((const char*)n, nl)] =
                    std::string((const char*)v, vl);
                return 0;
            });
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(
            cb, [](nghttp2_session*, std::uint8_t, std::int32_t id, const std::uint8_t* d, std::size_t n, void* u) {
                static_cast<Client*>(u)->got[id].body.append((const char*)d, n);
                return 0;
            });
        nghttp2_session_callbacks_set_on_stream_close_callback(
            cb, [](nghttp2_session*, std::int32_t id, std::uint32_t code, void* u) {
                auto& g = static_cast<Client*>(u)->got[id];
                g.closed = true;
                g.code = code;
                return 0;
            });
        nghttp2_session_callbacks_set_on_frame_recv_callback(cb, [](nghttp2_session*, const nghttp2_frame* f, void* u) {
            if (f->hd.type == NGHTTP2_GOAWAY) {
                static_cast<Client*>(u)->goaway = true;
                static_cast<Client*>(u)->goaway_code = f->goaway.error_code;
            }
            return 0;
        });
        nghttp2_session_client_new(&session, cb, this);
        nghttp2_session_callbacks_del(cb);
        nghttp2_submit_settings(session, NGHTTP2_FLAG_NONE, nullptr, 0);
    }
    ~Client() { nghttp2_session_del(session); }

    std::int32_t get(const std::string& path, std::vector<std::pair<std::string, std::string>> extra = {},
                     nghttp2_data_provider* body = nullptr)
    {
        std::vector<std::pair<std::string, std::string>> all{
            {":method", body ? "POST" : "GET"}, {":scheme", "http"}, {":path", path}, {":authority", "example.test"}};
        all.insert(all.end(), extra.begin(), extra.end());
        return submit(all, body);
    }
    std::int32_t submit(std::vector<std::pair<std::string, std::string>> all, nghttp2_data_provider* body = nullptr)
    {
        std::vector<nghttp2_nv> nva;
        for (auto& [n, v] : all)
            nva.push_back({(std::uint8_t*)n.data(), (std::uint8_t*)v.data(), n.size(), v.size(), NGHTTP2_NV_FLAG_NONE});
        return nghttp2_submit_request(session, nullptr, nva.data(), nva.size(), body, nullptr);
    }
    std::string output()
    {
        std::string out;
        const std::uint8_t* p;
        for (ssize_t n; (n = nghttp2_session_mem_send(session, &p)) > 0;)
            out.append((const char*)p, static_cast<std::size_t>(n));
        return out;
    }
    void feed(const std::string& bytes)
    {
        ASSERT_GE(nghttp2_session_mem_recv(session, (const std::uint8_t*)bytes.data(), bytes.size()), 0);
    }
};

// Runs both sides until neither has anything to say.
void exchange(Client& c, ServerSession& s)
{
    for (int round = 0; round < 1000; ++round) {
        const std::string to_server = c.output();
        if (!to_server.empty()) {
            ASSERT_TRUE(s.feed(to_server));
        }
        std::string to_client;
        ASSERT_TRUE(s.output(to_client, 1 << 30));
        if (!to_client.empty()) {
            c.feed(to_client);
        }
        if (to_server.empty() && to_client.empty())
            return;
    }
    FAIL() << "no quiet point";
}

TEST(H2ServerSession, RequestFieldsBecomeAnHttp11StyleRequest)
{
    Server events;
    ServerSession s(events, {}, false);
    Client c;
    const auto id = c.get("/a?b=1", {{"cookie", "x=1"}, {"cookie", "y=2"}, {"accept", "*/*"}});
    exchange(c, s);
    ASSERT_TRUE(events.streams.contains(id));
    const Request& r = events.streams[id].request;
    EXPECT_EQ(r.method, MethodId::get);
    EXPECT_EQ(r.target, "/a?b=1");
    EXPECT_EQ(r.version, (Version{2, 0}));
    EXPECT_EQ(r.fields.get("Host"), "example.test");
    EXPECT_EQ(r.fields.get("Cookie"), "x=1; y=2");  // RFC 9113 §8.2.3
    EXPECT_EQ(r.fields.get("Accept"), "*/*");
    EXPECT_TRUE(events.streams[id].ended);
}

// RFC 8441: the server allows extended CONNECT; a CONNECT with :protocol names a resource by :path,
// a plain CONNECT a host and port by :authority.
TEST(H2ServerSession, ExtendedConnectKeepsItsProtocolAndPath)
{
    Server events;
    ServerSession s(events, {}, false);
    Client c;
    exchange(c, s);
    EXPECT_EQ(nghttp2_session_get_remote_settings(c.session, NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL), 1u);
    const auto ws = c.submit({{":method", "CONNECT"},
                              {":protocol", "websocket"},
                              {":scheme", "http"},
                              {":path", "/ws/chat?name=a"},
                              {":authority", "example.test"},
                              {"sec-websocket-version", "13"}});
    const auto tunnel = c.submit({{":method", "CONNECT"}, {":authority", "example.test:443"}});
    exchange(c, s);
    ASSERT_TRUE(events.streams.contains(ws) && events.streams.contains(tunnel));
    const Request& r = events.streams[ws].request;
    EXPECT_EQ(r.method, MethodId::connect);
    EXPECT_EQ(r.protocol, "websocket");
    EXPECT_EQ(r.target, "/ws/chat?name=a");
    EXPECT_EQ(events.streams[tunnel].request.target, "example.test:443");
    EXPECT_TRUE(events.streams[tunnel].request.protocol.empty());
}

TEST(H2ServerSession, ResponseDropsConnectionFieldsAndLowercasesNames)
{
    Server events;
    ServerSession s(events, {}, false);
    Client c;
    const auto id = c.get("/");
    exchange(c, s);
    Response r;
    r.status = Status::ok;
    r.fields.add("Content-Type", "text/plain");
    r.fields.add("Connection", "keep-alive");
    r.fields.add("Transfer-Encoding", "chunked");
    PiecesBody body;
    body.pieces = {"hello, ", "world"};
    s.respond(id, r, &body);
    exchange(c, s);
    EXPECT_EQ(c.got[id].fields[":status"], "200");
    EXPECT_EQ(c.got[id].fields["content-type"], "text/plain");
    EXPECT_FALSE(c.got[id].fields.contains("connection"));
    EXPECT_FALSE(c.got[id].fields.contains("transfer-encoding"));
    EXPECT_EQ(c.got[id].body, "hello, world");
    EXPECT_TRUE(c.got[id].closed);
    EXPECT_TRUE(events.streams[id].closed);
}

TEST(H2ServerSession, ABodyThatWaitsResumes)
{
    Server events;
    ServerSession s(events, {}, false);
    Client c;
    const auto id = c.get("/");
    exchange(c, s);
    PiecesBody body;
    body.pieces = {"one", "two"};
    body.paused = true;
    s.respond(id, Response{}, &body);
    exchange(c, s);
    EXPECT_EQ(c.got[id].body, "");
    EXPECT_FALSE(c.got[id].closed);
    body.paused = false;
    s.resume(id);
    exchange(c, s);
    EXPECT_EQ(c.got[id].body, "onetwo");
    EXPECT_TRUE(c.got[id].closed);
}

TEST(H2ServerSession, RequestBodyIsCreditedOnlyWhenConsumed)
{
    Server events;
    SessionLimits limits;
    limits.stream_window = 65535;  // the client starts with 64 KiB anyway until our SETTINGS arrive
    ServerSession s(events, limits, false);
    Client c;
    std::string upload(200000, 'x');
    std::size_t at = 0;
    nghttp2_data_provider provider;
    provider.source.ptr = nullptr;
    struct Src {
        std::string* data;
        std::size_t* at;
    } src{&upload, &at};
    provider.source.ptr = &src;
    provider.read_callback = [](nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t len,
                                std::uint32_t* flags, nghttp2_data_source* source, void*) -> ssize_t {
        auto* p = static_cast<Src*>(source->ptr);
        const std::size_t n = std::min(len, p->data->size() - *p->at);
        std::memcpy(buf, p->data->data() + *p->at, n);
        *p->at += n;
        if (*p->at == p->data->size())
            *flags |= NGHTTP2_DATA_FLAG_EOF;
        return static_cast<ssize_t>(n);
    };
    const auto id = c.get("/up", {}, &provider);
    exchange(c, s);
    // Nothing consumed: the client stops at the window.
    EXPECT_EQ(events.streams[id].body.size(), 65535u);
    s.consume(id, events.streams[id].body.size());
    exchange(c, s);
    EXPECT_GT(events.streams[id].body.size(), 65535u);
    for (int i = 0; i < 10 && !events.streams[id].ended; ++i) {
        s.consume(id, 65535);
        exchange(c, s);
    }
    EXPECT_EQ(events.streams[id].body, upload);
    EXPECT_TRUE(events.streams[id].ended);
}

TEST(H2ServerSession, OversizedHeaderListGets431)
{
    Server events;
    SessionLimits limits;
    limits.max_header_list = 1000;
    ServerSession s(events, limits, false);
    Client c;
    const auto id = c.get("/", {{"x-big", std::string(2000, 'v')}});
    exchange(c, s);
    EXPECT_FALSE(events.streams.contains(id) && events.streams[id].request.target == "/");
    EXPECT_EQ(c.got[id].fields[":status"], "431");
}

TEST(H2ServerSession, DataOnStreamZeroIsAConnectionError)
{
    Server events;
    ServerSession s(events, {}, false);
    std::string bad = std::string(preface) + frame(4, 0, 0, "") + frame(0, 0, 0, "x");
    s.feed(bad);  // a protocol error is no failure of the session: it answers with GOAWAY
    std::string out;
    ASSERT_TRUE(s.output(out, 1 << 20));
    EXPECT_TRUE(s.done());
    Client c;
    c.output();
    nghttp2_session_mem_recv(c.session, (const std::uint8_t*)out.data(), out.size());
    EXPECT_TRUE(c.goaway);
    EXPECT_EQ(c.goaway_code, static_cast<std::uint32_t>(NGHTTP2_PROTOCOL_ERROR));
}

TEST(H2ServerSession, TraceNamesFramesAndFields)
{
    Server events;
    ServerSession s(events, {}, true);
    Client c;
    const auto id = c.get("/t");
    exchange(c, s);
    s.respond(id, Response{}, nullptr);
    exchange(c, s);
    auto has = [&](std::string_view text) {
        for (const auto& line : events.trace)
            if (line.find(text) != std::string::npos)
                return true;
        return false;
    };
    EXPECT_TRUE(has("C: HEADERS stream=1"));
    EXPECT_TRUE(has("C:     :path: /t"));
    EXPECT_TRUE(has("S: SETTINGS stream=0"));
    EXPECT_TRUE(has("MAX_CONCURRENT_STREAMS=128"));
    EXPECT_TRUE(has("S:     :status: 200"));
}

TEST(H2ServerSession, ContinuationFloodEndsWithEnhanceYourCalm)
{
    Server events;
    ServerSession s(events, {}, false);
    // HEADERS without END_HEADERS (a literal field "a: b"), then empty CONTINUATIONs past the cap.
    const std::string field(
        "\x00\x01"
        "a"
        "\x01"
        "b",
        5);
    std::string flood = std::string(preface) + frame(4, 0, 0, "") + frame(1, 0, 1, field);
    for (int i = 0; i < 20; ++i)
        flood += frame(9, 0, 1, "");
    EXPECT_FALSE(s.feed(flood));
    std::string out;
    s.output(out, 1 << 20);
    Client c;
    c.output();
    nghttp2_session_mem_recv(c.session, (const std::uint8_t*)out.data(), out.size());
    EXPECT_TRUE(c.goaway);
    EXPECT_EQ(c.goaway_code, static_cast<std::uint32_t>(NGHTTP2_ENHANCE_YOUR_CALM));
}

TEST(H2ServerSession, GoawayAfterShutdownNoticeEndsTheSession)
{
    Server events;
    ServerSession s(events, {}, false);
    Client c;
    c.get("/");
    exchange(c, s);
    s.shutdown_notice();
    exchange(c, s);
    s.goaway();
    exchange(c, s);
    EXPECT_TRUE(c.goaway);
    EXPECT_EQ(c.goaway_code, 0u);
}

}  // namespace
