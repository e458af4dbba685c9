// Tests for http/h1/server_connection: the connection rules driven as a shell would, with the
// input split at every byte offset — keep-alive, pipelining, 100-continue, early errors, timeouts.
#include "http/h1/server_connection.hpp"

#include <gtest/gtest.h>

using namespace layer7::http;
using namespace layer7::http::h1;
using namespace std::chrono_literals;

namespace {

using Clock = ServerConnection::Clock;

// What a shell did with a byte stream: one line per request ("GET /a body=… keep"), 100s sent,
// and the status it was told to reject with.
struct Outcomes {
    std::vector<std::string> lines;
    int continues = 0;
    std::optional<Status> rejected;
    bool operator==(const Outcomes&) const = default;
};

// Drives `input` fed in pieces of at most `step` bytes (0: in two parts split at `split`).
// `read_body`: the handler reads the whole body; otherwise it answers without reading it.
Outcomes drive(std::string_view input, std::size_t split, bool read_body = true, ServerRules rules = {})
{
    ServerConnection c(rules);
    Outcomes run;
    std::size_t fed = 0;
    auto feed_more = [&]() -> bool {
        if (fed == input.size())
            return false;
        const std::size_t n = fed < split ? split - fed : input.size() - fed;
        c.feed(input.substr(fed, n), Clock::time_point{});
        fed += n;
        return true;
    };
    for (;;) {
        ServerEvent e = c.next();
        if (e.kind == ServerEventKind::need_more) {
            if (!feed_more())
                return run;
            continue;
        }
        if (e.kind == ServerEventKind::reject) {
            run.rejected = c.reject_status();
            return run;
        }
        if (e.kind != ServerEventKind::request) {
            ADD_FAILURE() << "body events belong to the handler";
            return run;
        }
        std::string line = std::string(c.request().method.name()) + " " + c.request().target;
        std::string body;
        bool rejected = false;
        if (read_body) {
            if (c.continue_owed()) {
                ++run.continues;
                c.continue_sent();
            }
            for (;;) {
                ServerEvent b = c.next();
                if (b.kind == ServerEventKind::need_more) {
                    if (!feed_more())
                        return run;
                    continue;
                }
                if (b.kind == ServerEventKind::reject) {
                    rejected = true;
                    break;
                }
                if (b.kind == ServerEventKind::body_end)
                    break;
                body.append(b.data);
            }
            if (rejected) {
                run.rejected = c.reject_status();
                return run;
            }
            line += " body=" + body;
        }
        const ReplyPlan plan = c.plan_reply(false);
        line += plan.keep_alive ? " keep" : " close";
        if (plan.drain)
            line += " drain";
        run.lines.push_back(line);
        if (!plan.keep_alive)
            return run;
        while (plan.drain) {
            ServerEvent b = c.next();
            if (b.kind == ServerEventKind::need_more && !feed_more())
                return run;
            if (b.kind == ServerEventKind::body_end)
                break;
        }
    }
}

// The same result for every split offset.
Outcomes grind(std::string_view input, bool read_body = true, ServerRules rules = {})
{
    Outcomes first = drive(input, input.size(), read_body, rules);
    for (std::size_t split = 0; split < input.size(); ++split)
        EXPECT_EQ(drive(input, split, read_body, rules), first) << "split at " << split;
    return first;
}

}  // namespace

TEST(ServerConnection, KeepAliveAndPipeliningInOrder)
{
    Outcomes r = grind(
        "GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
        "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
        "GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        "GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(r.lines,
              (std::vector<std::string>{"GET /a body= keep", "POST /b body=hello keep", "GET /c body= close"}));
    EXPECT_FALSE(r.rejected);
}

TEST(ServerConnection, Http10ClosesUnlessKeepAlive)
{
    EXPECT_EQ(grind("GET / HTTP/1.0\r\n\r\n").lines, std::vector<std::string>{"GET / body= close"});
    EXPECT_EQ(grind("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").lines,
              std::vector<std::string>{"GET / body= keep"});
}

TEST(ServerConnection, ChunkedBodyReachesTheHandler)
{
    Outcomes r = grind(
        "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n");
    EXPECT_EQ(r.lines, std::vector<std::string>{"POST /up body=abcde keep"});
}

TEST(ServerConnection, ContinueOnlyWhenTheBodyIsAskedFor)
{
    const std::string req = "PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nxyz";
    Outcomes read = grind(req);
    EXPECT_EQ(read.continues, 1);
    EXPECT_EQ(read.lines, std::vector<std::string>{"PUT /f body=xyz keep"});
    // Not read, 100 never sent: the client may not send the body at all, so the connection closes.
    Outcomes unread = drive(req, req.size(), false);
    EXPECT_EQ(unread.continues, 0);
    EXPECT_EQ(unread.lines, std::vector<std::string>{"PUT /f close"});
}

TEST(ServerConnection, ContinuePrecheckRefusesTooLargeBodies)
{
    ServerRules rules;
    rules.parser.max_body = 10;
    Outcomes r = grind("PUT /f HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 11\r\n\r\n", true, rules);
    EXPECT_EQ(r.rejected, Status::content_too_large);
    EXPECT_EQ(r.continues, 0);
    EXPECT_TRUE(r.lines.empty());
}

TEST(ServerConnection, UnreadBodiesAreDrainedWhenSmallElseClose)
{
    ServerRules rules;
    rules.max_drain = 4;
    const std::string small =
        "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nabcdGET /b HTTP/1.1\r\nHost: x\r\n\r\n";
    EXPECT_EQ(grind(small, false, rules).lines, (std::vector<std::string>{"POST /a keep drain", "GET /b keep"}));
    const std::string large = "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nabcde";
    EXPECT_EQ(grind(large, false, rules).lines, std::vector<std::string>{"POST /a close"});
    const std::string chunked = "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n";
    EXPECT_EQ(drive(chunked, chunked.size(), false, rules).lines, std::vector<std::string>{"POST /a close"});
}

TEST(ServerConnection, EarlyErrorsReject)
{
    EXPECT_EQ(grind("GET / HTTP/1.1\r\nHost: x\r\nExpect: something\r\n\r\n").rejected, Status::expectation_failed);
    EXPECT_EQ(grind("GET / HTTP/2.0\r\nHost: x\r\n\r\n").rejected, Status::http_version_not_supported);
    EXPECT_EQ(grind("GET / HTTP/1.1\r\n\r\n").rejected, Status::bad_request);  // no Host
    // A malformed chunk in the body reaches the handler's body reader as a reject.
    Outcomes bad = grind("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    EXPECT_EQ(bad.rejected, Status::bad_request);
    // A good request before a bad one is answered first.
    Outcomes both = grind("GET /a HTTP/1.1\r\nHost: x\r\n\r\nBAD\r\n\r\n");
    EXPECT_EQ(both.lines, std::vector<std::string>{"GET /a body= keep"});
    EXPECT_EQ(both.rejected, Status::bad_request);
}

TEST(ServerConnection, RequestCapClosesTheLastOne)
{
    ServerRules rules;
    rules.max_requests = 2;
    Outcomes r =
        grind("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\n\r\n",
              true, rules);
    EXPECT_EQ(r.lines, (std::vector<std::string>{"GET /1 body= keep", "GET /2 body= close"}));
}

TEST(ServerConnection, HeaderTimeoutCountsFromTheFirstByte)
{
    ServerRules rules;
    rules.header_timeout = 10s;
    rules.idle_timeout = 60s;
    ServerConnection c(rules);
    const Clock::time_point t0{};
    EXPECT_EQ(c.read_timeout(t0), 60s);  // idle: nothing of a request yet
    EXPECT_FALSE(c.timeout_gets_408());
    c.feed("GET / HT", t0 + 1s);
    EXPECT_EQ(c.next().kind, ServerEventKind::need_more);
    EXPECT_TRUE(c.timeout_gets_408());
    EXPECT_EQ(c.read_timeout(t0 + 5s), 6s);  // what is left of the header timeout
    EXPECT_EQ(c.read_timeout(t0 + 20s), Clock::duration::zero());
    c.feed("TP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n", t0 + 5s);
    EXPECT_EQ(c.next().kind, ServerEventKind::request);
    EXPECT_FALSE(c.timeout_gets_408());  // inside the body the idle timeout applies, no 408
    EXPECT_EQ(c.read_timeout(t0 + 20s), 60s);
}

TEST(ServerConnection, LingersOnlyWhenTheClientMayStillBeSending)
{
    auto after_one = [](std::string_view input, std::size_t max_requests) {
        ServerRules rules;
        rules.max_requests = max_requests;
        ServerConnection c(rules);
        c.feed(input, Clock::time_point{});
        EXPECT_EQ(c.next().kind, ServerEventKind::request);
        EXPECT_EQ(c.next().kind, ServerEventKind::body_end);
        c.plan_reply(false);
        return c.linger_on_close();
    };
    // The client said close and sent nothing more: a plain close.
    EXPECT_FALSE(after_one("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 10));
    // We close (request cap) while it still sends, or with its next request already here.
    EXPECT_TRUE(after_one("GET / HTTP/1.1\r\nHost: x\r\n\r\n", 1));
    EXPECT_TRUE(after_one("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /next", 10));
    ServerConnection rejected(ServerRules{});
    rejected.feed("BAD\r\n\r\n", Clock::time_point{});
    EXPECT_EQ(rejected.next().kind, ServerEventKind::reject);
    EXPECT_TRUE(rejected.linger_on_close());
}

// A stopping server may close a connection only between requests: never while a request is being
// answered or its body read.
TEST(ServerConnection, BetweenRequestsOnlyWhenNothingIsInFlight)
{
    ServerConnection c(ServerRules{});
    EXPECT_TRUE(c.between_requests());
    c.feed("POST /a HTTP/1.1\r\nHost: x\r\nContent-", Clock::time_point{});
    EXPECT_EQ(c.next().kind, ServerEventKind::need_more);
    EXPECT_TRUE(c.between_requests());  // a head still arriving: nothing done for it yet
    c.feed("Length: 4\r\n\r\nab", Clock::time_point{});
    EXPECT_EQ(c.next().kind, ServerEventKind::request);
    EXPECT_FALSE(c.between_requests());
    EXPECT_EQ(c.next().kind, ServerEventKind::body);
    c.plan_reply(false);
    EXPECT_FALSE(c.between_requests());  // answered, but the rest of its body is still to be read
    c.feed("cd", Clock::time_point{});
    for (ServerEvent e = c.next(); e.kind != ServerEventKind::need_more; e = c.next()) {}
    EXPECT_TRUE(c.between_requests());
}

// idle(): a keep-alive wait with nothing of the next request here. The shell may then drop the
// object and take the connection up later with a new one that knows only served().
TEST(ServerConnection, IdleOnlyWithNothingOfTheNextRequestAndTheCountCarriesOver)
{
    ServerRules rules;
    rules.max_requests = 2;
    ServerConnection c(rules);
    EXPECT_TRUE(c.idle());
    c.feed("GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGE", Clock::time_point{});
    EXPECT_EQ(c.next().kind, ServerEventKind::request);
    EXPECT_FALSE(c.idle());
    EXPECT_EQ(c.next().kind, ServerEventKind::body_end);
    EXPECT_TRUE(c.plan_reply(false).keep_alive);
    EXPECT_FALSE(c.idle());  // "GE" of the next request is buffered
    EXPECT_EQ(c.next().kind, ServerEventKind::need_more);
    EXPECT_FALSE(c.idle());  // and a head has begun
    ServerConnection answered(rules);
    answered.feed("GET /1 HTTP/1.1\r\nHost: x\r\n\r\n", Clock::time_point{});
    EXPECT_EQ(answered.next().kind, ServerEventKind::request);
    EXPECT_EQ(answered.next().kind, ServerEventKind::body_end);
    answered.plan_reply(false);
    EXPECT_EQ(answered.next().kind, ServerEventKind::need_more);
    EXPECT_TRUE(answered.idle());
    ASSERT_EQ(answered.served(), 1u);
    // Taken up again: the request cap counts the one answered before.
    ServerConnection resumed(rules, answered.served());
    resumed.feed("GET /2 HTTP/1.1\r\nHost: x\r\n\r\n", Clock::time_point{});
    EXPECT_EQ(resumed.next().kind, ServerEventKind::request);
    EXPECT_EQ(resumed.next().kind, ServerEventKind::body_end);
    EXPECT_FALSE(resumed.plan_reply(false).keep_alive);
}
