// h2::ServerSession without sockets: an nghttp2 client session in memory talks to it, so every
// byte is a real client's; hand-written frames cover what a well-behaved client never sends.
#include "http/h2/server_session.hpp"

#include <gtest/gtest.h>
#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <span>
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

// The DATA frame lines the session traced as sent.
std::vector<std::string> sent_data_lines(const Server& events)
{
    std::vector<std::string> data;
    for (const auto& line : events.trace)
        if (line.starts_with("S: DATA"))
            data.push_back(line);
    return data;
}

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

// A body that fills several frames' payloads in one call (as a file does with preadv): the frames
// are cut at the client's frame size, and only the last carries END_STREAM.
TEST(H2ServerSession, SeveralFramesArePulledInOneCall)
{
    struct Parts : OutBody {
        std::string bytes = std::string(50000, 'x');
        std::size_t at = 0, calls = 0, most_parts = 0;
        Pulled pull(std::uint8_t*, std::size_t) override
        {
            ADD_FAILURE() << "pull_parts is the way in";
            return {0, State::fail};
        }
        Pulled pull_parts(std::span<const std::span<std::uint8_t>> parts) override
        {
            ++calls;
            most_parts = std::max(most_parts, parts.size());
            std::size_t n = 0;
            for (const auto part : parts) {
                const std::size_t take = std::min(part.size(), bytes.size() - at);
                std::memcpy(part.data(), bytes.data() + at, take);
                at += take;
                n += take;
            }
            return {n, at == bytes.size() ? State::end : State::more};
        }
    };
    Server events;
    ServerSession s(events, {}, true);
    Client c;
    const auto id = c.get("/");
    exchange(c, s);
    Parts body;
    body.bytes[16384] = 'y';  // the first byte of the second frame
    s.respond(id, Response{}, &body);
    exchange(c, s);
    EXPECT_EQ(c.got[id].body, body.bytes);
    EXPECT_TRUE(c.got[id].closed);
    EXPECT_EQ(body.calls, 1u);
    EXPECT_EQ(body.most_parts, 4u);
    const std::vector<std::string> data = sent_data_lines(events);
    ASSERT_EQ(data.size(), 4u);
    EXPECT_NE(data[0].find("length=16384"), std::string::npos);
    EXPECT_EQ(data[2].find("END_STREAM"), std::string::npos);
    EXPECT_NE(data[3].find("length=848"), std::string::npos);
    EXPECT_NE(data[3].find("END_STREAM"), std::string::npos);
}

// A body whose bytes lie in memory lends them: the output points into them rather than copying,
// except a payload too small to be worth its own iovec, which follows its frame header.
TEST(H2ServerSession, LentPayloadsAreBorrowedAndSmallOnesCopied)
{
    struct Lender : OutBody {
        std::vector<std::string> pieces{std::string(40000, 'a'), std::string(100, 'b')};
        std::size_t piece = 0, at = 0;
        Pulled pull(std::uint8_t*, std::size_t) override
        {
            ADD_FAILURE() << "every byte can be lent";
            return {0, State::fail};
        }
        std::optional<Lent> lend(std::size_t max) override
        {
            const std::string& p = pieces[piece];
            const std::size_t n = std::min(max, p.size() - at);
            Lent lent{{reinterpret_cast<const std::uint8_t*>(p.data() + at), n}, State::more};
            if ((at += n) == p.size()) {
                ++piece;
                at = 0;
            }
            if (piece == pieces.size())
                lent.state = State::end;
            return lent;
        }
    };
    Server events;
    ServerSession s(events, {}, true);
    Client c;
    const auto id = c.get("/");
    exchange(c, s);
    Lender body;
    s.respond(id, Response{}, &body);
    OutFrames out;
    ASSERT_TRUE(s.output(out, 1 << 30, 4096));
    // 16384 + 16384 + 7232 borrowed from the first piece; the 100 bytes of the second copied.
    ASSERT_EQ(out.borrowed.size(), 3u);
    EXPECT_EQ(out.borrowed_size, 40000u);
    EXPECT_EQ(reinterpret_cast<const char*>(out.borrowed[0].payload.data()), body.pieces[0].data());
    EXPECT_EQ(out.borrowed[2].payload.size(), 40000u - 2 * 16384);
    EXPECT_EQ(out.size(), out.bytes.size() + 40000);
    EXPECT_NE(out.bytes.find(std::string(100, 'b')), std::string::npos);
    std::string wire;
    std::size_t from = 0;
    for (const auto& b : out.borrowed) {
        wire.append(out.bytes, from, b.at - from);
        wire.append(reinterpret_cast<const char*>(b.payload.data()), b.payload.size());
        from = b.at;
    }
    wire.append(out.bytes, from);
    c.feed(wire);
    EXPECT_EQ(c.got[id].body, body.pieces[0] + body.pieces[1]);
    EXPECT_TRUE(c.got[id].closed);
    const std::vector<std::string> data = sent_data_lines(events);
    ASSERT_EQ(data.size(), 4u);
    EXPECT_EQ(data[2].find("END_STREAM"), std::string::npos);
    EXPECT_NE(data[3].find("length=100"), std::string::npos);
    EXPECT_NE(data[3].find("END_STREAM"), std::string::npos);
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

// ---------------------------------------------------------------- hand-made frames: each rule
namespace {

// A request head in HPACK without the dynamic table: :method GET, :scheme http, :path /,
// :authority example (a literal with the static name 1), then `extra` as literal fields.
std::string head_block(std::vector<std::pair<std::string, std::string>> extra = {}, bool with_path = true)
{
    std::string b = with_path ? "\x82\x86\x84" : "\x82\x86";
    b += std::string("\x01\x07", 2) + "example";
    for (auto& [n, v] : extra) {
        b += '\x00';
        b += static_cast<char>(n.size());
        b += n;
        b += static_cast<char>(v.size());
        b += v;
    }
    return b;
}

struct Frame {
    std::uint8_t type, flags;
    std::uint32_t stream;
    std::string payload;
    std::uint32_t code() const
    {
        const auto* p = reinterpret_cast<const unsigned char*>(payload.data() + (type == 7 ? 4 : 0));
        return std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3];
    }
};

std::vector<Frame> frames_of(const std::string& out)
{
    std::vector<Frame> frames;
    for (std::size_t at = 0; at + 9 <= out.size();) {
        auto b = [&](std::size_t i) { return static_cast<std::uint32_t>(static_cast<unsigned char>(out[at + i])); };
        const std::uint32_t n = b(0) << 16 | b(1) << 8 | b(2);
        frames.push_back({static_cast<std::uint8_t>(b(3)), static_cast<std::uint8_t>(b(4)),
                          (b(5) << 24 | b(6) << 16 | b(7) << 8 | b(8)) & 0x7fffffffu, out.substr(at + 9, n)});
        at += 9 + n;
    }
    return frames;
}

// A session fed by hand: the preface and an empty SETTINGS are sent first.
struct ByHand {
    Server events;
    ServerSession session;
    bool alive = true;
    explicit ByHand(const SessionLimits& limits = {}) : session(events, limits, false)
    {
        feed(std::string(preface) + frame(4, 0, 0, ""));
        take();
    }
    void feed(const std::string& bytes) { alive = session.feed(bytes) && alive; }
    std::vector<Frame> take()
    {
        std::string out;
        EXPECT_TRUE(session.output(out, 1 << 30));
        return frames_of(out);
    }
    // The error code of the GOAWAY (connection error) or of the RST_STREAM on `stream`; -1: none.
    std::int64_t goaway()
    {
        for (const Frame& f : take())
            if (f.type == 7)
                return f.code();
        return -1;
    }
    std::int64_t rst(std::uint32_t stream)
    {
        for (const Frame& f : take())
            if (f.type == 3 && f.stream == stream)
                return f.code();
        return -1;
    }
};

constexpr std::uint8_t END_STREAM = 1, END_HEADERS = 4, PADDED = 8;
enum : std::int64_t {
    NO_ERROR,
    PROTOCOL,
    INTERNAL,
    FLOW_CONTROL,
    TIMEOUT,
    CLOSED,
    FRAME_SIZE,
    REFUSED,
    CANCEL,
    COMPRESSION
};
constexpr std::int64_t CALM = 0xb;

std::string u32(std::uint32_t v)
{
    std::string s;
    for (int shift : {24, 16, 8, 0})
        s += static_cast<char>(v >> shift);
    return s;
}

TEST(H2ServerSessionRules, APlainRequestByHand)
{
    ByHand h;
    h.feed(frame(1, END_HEADERS | END_STREAM, 1, head_block({{"accept", "*/*"}})));
    ASSERT_TRUE(h.alive);
    ASSERT_TRUE(h.events.streams.contains(1));
    EXPECT_EQ(h.events.streams[1].request.target, "/");
    EXPECT_EQ(h.events.streams[1].request.fields.get("host"), "example");
    EXPECT_TRUE(h.events.streams[1].ended);
}

TEST(H2ServerSessionRules, ConnectionErrors)
{
    struct Case {
        const char* what;
        std::string bytes;
        std::int64_t code;
    };
    const std::string big(16385, '\0');
    const Case cases[] = {
        {"frame over 16384", frame(1, END_HEADERS, 1, big), FRAME_SIZE},
        {"even stream", frame(1, END_HEADERS | END_STREAM, 2, head_block()), PROTOCOL},
        {"DATA on stream 0", frame(0, 0, 0, "x"), PROTOCOL},
        {"DATA on an idle stream", frame(0, 0, 5, "x"), PROTOCOL},
        {"DATA pad length >= payload", frame(1, END_HEADERS, 1, head_block()) + frame(0, PADDED, 1, "\x03xx"),
         PROTOCOL},
        {"HEADERS pad length >= payload", frame(1, END_HEADERS | PADDED, 1, "\x7f" + head_block()), PROTOCOL},
        {"broken HPACK", frame(1, END_HEADERS | END_STREAM, 1, "\xff\xff\xff\xff\xff\xff"), COMPRESSION},
        {"CONTINUATION for another stream", frame(1, 0, 1, head_block()) + frame(9, END_HEADERS, 3, ""), PROTOCOL},
        {"a frame inside a header block", frame(1, 0, 1, head_block()) + frame(6, 0, 0, std::string(8, 'p')), PROTOCOL},
        {"CONTINUATION alone", frame(9, END_HEADERS, 1, ""), PROTOCOL},
        {"lower id reused",
         frame(1, END_HEADERS | END_STREAM, 3, head_block()) + frame(1, END_HEADERS, 1, head_block()), PROTOCOL},
        {"WINDOW_UPDATE of 0", frame(8, 0, 0, u32(0)), PROTOCOL},
        {"connection window overflow", frame(8, 0, 0, u32(0x7fffffff)), FLOW_CONTROL},
        {"SETTINGS length", frame(4, 0, 0, "12345"), FRAME_SIZE},
        {"INITIAL_WINDOW_SIZE too large", frame(4, 0, 0, std::string("\x00\x04", 2) + u32(0x80000000u)), FLOW_CONTROL},
        {"MAX_FRAME_SIZE too small", frame(4, 0, 0, std::string("\x00\x05", 2) + u32(100)), PROTOCOL},
        {"PING length", frame(6, 0, 0, "1234"), FRAME_SIZE},
        {"PUSH_PROMISE", frame(5, END_HEADERS, 1, u32(2)), PROTOCOL},
        {"RST_STREAM on an idle stream", frame(3, 0, 7, u32(8)), PROTOCOL},
        {"PRIORITY_UPDATE for stream 0", frame(0x10, 0, 0, u32(0) + "u=1"), PROTOCOL},
        {"DATA beyond the connection window",
         frame(1, END_HEADERS, 1, head_block()) + frame(0, 0, 1, std::string(16384, 'x')) +
             frame(0, 0, 1, std::string(16384, 'x')) + frame(0, 0, 1, std::string(16384, 'x')) +
             frame(0, 0, 1, std::string(16384, 'x')) + frame(0, 0, 1, std::string(16384, 'x')),
         FLOW_CONTROL},
    };
    for (const Case& c : cases) {
        SessionLimits limits;
        limits.connection_window = 65535;  // the last case needs a small one
        ByHand h(limits);
        h.feed(c.bytes);
        EXPECT_FALSE(h.session.done()) << c.what;  // the GOAWAY is still to be written
        EXPECT_EQ(h.goaway(), c.code) << c.what;
        EXPECT_TRUE(h.session.done()) << c.what;
        h.feed(frame(1, END_HEADERS | END_STREAM, 101, head_block()));  // dropped
        EXPECT_TRUE(h.take().empty()) << c.what;
        EXPECT_FALSE(h.events.streams.contains(101)) << c.what;
    }
}

TEST(H2ServerSessionRules, ABadPrefaceIsAConnectionError)
{
    Server events;
    ServerSession s(events, {}, false);
    EXPECT_FALSE(s.feed("GET / HTTP/1.1\r\n\r\n"));
}

TEST(H2ServerSessionRules, StreamErrors)
{
    struct Case {
        const char* what;
        std::string bytes;
        std::int64_t code;
    };
    const Case cases[] = {
        {"upper-case name", frame(1, END_HEADERS | END_STREAM, 1, head_block({{"Accept", "x"}})), PROTOCOL},
        {"connection-specific field", frame(1, END_HEADERS | END_STREAM, 1, head_block({{"connection", "close"}})),
         PROTOCOL},
        {"te other than trailers", frame(1, END_HEADERS | END_STREAM, 1, head_block({{"te", "gzip"}})), PROTOCOL},
        {"no :path", frame(1, END_HEADERS | END_STREAM, 1, head_block({}, false)), PROTOCOL},
        {"pseudo after regular", frame(1, END_HEADERS | END_STREAM, 1, head_block({{"a", "b"}, {":path", "/x"}})),
         PROTOCOL},
        {":protocol without CONNECT", frame(1, END_HEADERS | END_STREAM, 1, head_block({{":protocol", "websocket"}})),
         PROTOCOL},
        {"value with a leading space", frame(1, END_HEADERS | END_STREAM, 1, head_block({{"a", " b"}})), PROTOCOL},
        {"content-length over the DATA",
         frame(1, END_HEADERS, 1, head_block({{"content-length", "5"}})) + frame(0, END_STREAM, 1, "abc"), PROTOCOL},
        {"DATA over content-length",
         frame(1, END_HEADERS, 1, head_block({{"content-length", "2"}})) + frame(0, END_STREAM, 1, "abc"), PROTOCOL},
        {"PRIORITY of length 4", frame(2, 0, 1, u32(0)), FRAME_SIZE},
        {"PRIORITY on itself", frame(2, 0, 1, u32(1) + "\x10"), PROTOCOL},
        {"HEADERS depending on itself", frame(1, END_HEADERS | END_STREAM | 0x20, 1, u32(1) + "\x10" + head_block()),
         PROTOCOL},
        {"WINDOW_UPDATE of 0 on a stream", frame(1, END_HEADERS, 1, head_block()) + frame(8, 0, 1, u32(0)), PROTOCOL},
        {"stream window overflow", frame(1, END_HEADERS, 1, head_block()) + frame(8, 0, 1, u32(0x7fffffff)),
         FLOW_CONTROL},
        {"DATA after END_STREAM", frame(1, END_HEADERS | END_STREAM, 1, head_block()) + frame(0, 0, 1, "x"), CLOSED},
    };
    for (const Case& c : cases) {
        ByHand h;
        h.feed(c.bytes);
        EXPECT_TRUE(h.alive) << c.what;
        EXPECT_EQ(h.rst(1), c.code) << c.what;
        h.feed(frame(1, END_HEADERS | END_STREAM, 3, head_block()));  // the connection goes on
        EXPECT_TRUE(h.events.streams.contains(3)) << c.what;
    }
}

TEST(H2ServerSessionRules, UnknownFramesAndSettingsAreIgnored)
{
    ByHand h;
    h.feed(frame(0xee, 0xff, 0, "whatever") + frame(4, 0, 0, std::string("\x00\xee", 2) + u32(7)) +
           frame(2, 0, 1, std::string(5, '\0')) + frame(1, END_HEADERS | END_STREAM, 1, head_block()));
    EXPECT_TRUE(h.alive);
    EXPECT_TRUE(h.events.streams.contains(1));
}

TEST(H2ServerSessionRules, TooManyStreamsAreRefused)
{
    SessionLimits limits;
    limits.max_concurrent_streams = 2;
    ByHand h(limits);
    for (std::uint32_t id : {1u, 3u, 5u})
        h.feed(frame(1, END_HEADERS, id, head_block()));
    EXPECT_TRUE(h.alive);
    EXPECT_EQ(h.rst(5), REFUSED);
    EXPECT_FALSE(h.events.streams.contains(5));
}

TEST(H2ServerSessionRules, FloodsEndWithEnhanceYourCalm)
{
    SessionLimits limits;
    limits.max_outbound_ack = 10;
    limits.max_settings_entries = 3;
    {
        ByHand h(limits);
        std::string pings;
        for (int i = 0; i < 11; ++i)
            pings += frame(6, 0, 0, std::string(8, 'p'));
        h.feed(pings);
        EXPECT_FALSE(h.alive);  // a flood stops the reading at once
        EXPECT_EQ(h.goaway(), CALM);
    }
    {
        ByHand h(limits);
        std::string pings;
        for (int i = 0; i < 10; ++i)  // at the cap: fine
            pings += frame(6, 0, 0, std::string(8, 'p'));
        h.feed(pings);
        EXPECT_TRUE(h.alive);
        EXPECT_EQ(h.take().size(), 10u);
    }
    {
        ByHand h(limits);
        h.feed(frame(4, 0, 0, std::string(4 * 6, '\0')));
        EXPECT_EQ(h.goaway(), CALM);
    }
}

TEST(H2ServerSessionRules, RapidResetIsCapped)
{
    SessionLimits limits;
    limits.reset_burst = 5;
    auto resets = [&](ByHand& h, int n) {
        for (int i = 0; i < n; ++i) {
            const auto id = static_cast<std::uint32_t>(1 + 2 * i);
            h.feed(frame(1, END_HEADERS | END_STREAM, id, head_block()) + frame(3, 0, id, u32(8)));
        }
    };
    ByHand under(limits);
    resets(under, 5);
    EXPECT_TRUE(under.alive);
    EXPECT_EQ(under.events.streams[9].close_code, 8u);  // CANCEL reaches the application
    ByHand over(limits);
    resets(over, 6);
    EXPECT_FALSE(over.alive);
    EXPECT_EQ(over.goaway(), CALM);
}

TEST(H2ServerSessionRules, BodyBytesAreCreditedInHalfWindowsAndPaddingAtOnce)
{
    SessionLimits limits;
    limits.stream_window = 1000;
    limits.connection_window = 65535;
    ByHand h(limits);
    h.feed(frame(4, 1, 0, ""));  // our SETTINGS acknowledged: the 1000-byte stream window holds
    h.feed(frame(1, END_HEADERS, 1, head_block()) + frame(0, 0, 1, std::string(400, 'x')));
    EXPECT_EQ(h.events.streams[1].body.size(), 400u);
    h.session.consume(1, 400);
    EXPECT_TRUE(h.take().empty());  // under half the window: nothing yet
    h.feed(frame(0, 0, 1, std::string(200, 'x')));
    h.session.consume(1, 200);
    const auto credit = h.take();
    ASSERT_EQ(credit.size(), 1u);
    EXPECT_EQ(credit[0].type, 8);
    EXPECT_EQ(credit[0].stream, 1u);
    EXPECT_EQ(credit[0].code(), 600u);
    // The stream may now have 1000 unconsumed bytes in flight, not one more.
    h.feed(frame(0, 0, 1, std::string(1000, 'x')));
    EXPECT_TRUE(h.alive);
    EXPECT_EQ(h.rst(1), -1);
    h.feed(frame(0, 0, 1, "y"));
    EXPECT_EQ(h.rst(1), FLOW_CONTROL);
    // Padding: the pad length byte and 9 bytes of padding count as consumed at once.
    h.feed(frame(1, END_HEADERS, 3, head_block()) +
           frame(0, PADDED, 3, "\x09" + std::string(491, 'x') + std::string(9, '\0')));
    EXPECT_EQ(h.events.streams[3].body.size(), 491u);
    h.session.consume(3, 491);
    const auto padding = h.take();
    ASSERT_EQ(padding.size(), 1u);
    EXPECT_EQ(padding[0].stream, 3u);
    EXPECT_EQ(padding[0].code(), 501u);
}

TEST(H2ServerSessionRules, TrailersAreDecodedAndEndTheStream)
{
    ByHand h;
    h.feed(frame(1, END_HEADERS, 1, head_block()) + frame(0, 0, 1, "abc") +
           frame(1, END_HEADERS | END_STREAM, 1, std::string("\x00\x01x\x01y", 5)));
    EXPECT_TRUE(h.alive);
    EXPECT_EQ(h.events.streams[1].body, "abc");
    EXPECT_TRUE(h.events.streams[1].ended);
    EXPECT_FALSE(h.events.streams[1].request.fields.contains("x"));
}

TEST(H2ServerSessionRules, ALargeHeadIsSplitIntoContinuations)
{
    Server events;
    ServerSession s(events, {}, false);
    Client c;
    const auto id = c.get("/");
    exchange(c, s);
    Response r;
    r.fields.add("X-Big", std::string(40000, 'b'));
    s.respond(id, r, nullptr);
    std::string out;
    ASSERT_TRUE(s.output(out, 1 << 30));
    const auto frames = frames_of(out);
    ASSERT_GE(frames.size(), 2u);  // 40000 b in Huffman code: about 30000 bytes
    EXPECT_EQ(frames[0].type, 1);
    EXPECT_EQ(frames[0].flags, END_STREAM);  // no END_HEADERS yet
    EXPECT_EQ(frames[0].payload.size(), 16384u);
    EXPECT_EQ(frames.back().type, 9);
    EXPECT_EQ(frames.back().flags, END_HEADERS);
    c.feed(out);
    EXPECT_EQ(c.got[id].fields["x-big"], std::string(40000, 'b'));
    EXPECT_TRUE(c.got[id].closed);
}

TEST(H2ServerSessionRules, PriorityUpdateReordersTheResponses)
{
    // Two bodies, windows wide open: stream 1 at urgency 3 (default), stream 3 raised to u=0.
    ByHand h;
    h.feed(frame(8, 0, 0, u32(1 << 20)) + frame(1, END_HEADERS | END_STREAM, 1, head_block()) +
           frame(1, END_HEADERS | END_STREAM, 3, head_block()) + frame(0x10, 0, 0, u32(3) + "u=0"));
    PiecesBody one, three;
    one.pieces = {"1", "1"};
    three.pieces = {"3", "3"};
    h.session.respond(1, Response{}, &one);
    h.session.respond(3, Response{}, &three);
    std::vector<std::uint32_t> data;
    for (const Frame& f : h.take())
        if (f.type == 0)
            data.push_back(f.stream);
    EXPECT_EQ(data, (std::vector<std::uint32_t>{3, 3, 1, 1}));
}

TEST(H2ServerSessionRules, AFailingBodyResetsItsStream)
{
    struct Failing : OutBody {
        Pulled pull(std::uint8_t*, std::size_t) override { return {0, State::fail}; }
    } body;
    ByHand h;
    h.feed(frame(1, END_HEADERS | END_STREAM, 1, head_block()));
    h.session.respond(1, Response{}, &body);
    EXPECT_EQ(h.rst(1), INTERNAL);
    EXPECT_TRUE(h.events.streams[1].closed);
}

TEST(H2ServerSessionRules, PeerGoawayLetsOpenStreamsFinish)
{
    ByHand h;
    h.feed(frame(1, END_HEADERS | END_STREAM, 1, head_block()) + frame(7, 0, 0, u32(0) + u32(0)) +
           frame(1, END_HEADERS | END_STREAM, 3, head_block()));
    EXPECT_FALSE(h.events.streams.contains(3));  // no new streams after the client's GOAWAY
    EXPECT_FALSE(h.session.done());
    h.session.respond(1, Response{}, nullptr);
    h.take();
    EXPECT_TRUE(h.session.done());
}

}  // namespace
