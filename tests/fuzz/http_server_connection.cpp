// Fuzzes h1::ServerConnection, the HTTP/1.1 connection rules: the input's first byte picks how a
// handler behaves (reads every body, none, or one chunk) and the feed step; the rest is the byte
// stream. The same stream fed whole and in pieces must give the same requests, bodies, plans and
// rejection; a request without a body never drains; a body's bytes never exceed its Content-Length.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/h1/server_connection.hpp"

using namespace layer7::http;
using namespace layer7::http::h1;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

std::string run(std::string_view input, std::size_t step, int reads, const ServerRules& rules)
{
    ServerConnection c(rules);
    std::string log;
    std::size_t fed = 0;
    auto feed = [&] {
        if (fed == input.size())
            return false;
        const std::size_t n = std::min(step, input.size() - fed);
        c.feed(input.substr(fed, n), ServerConnection::Clock::time_point{});
        fed += n;
        return true;
    };
    for (int requests = 0; requests < 64; ++requests) {
        ServerEvent e = c.next();
        while (e.kind == ServerEventKind::need_more && feed())
            e = c.next();
        if (e.kind == ServerEventKind::need_more)
            return log;
        if (e.kind == ServerEventKind::reject)
            return log + "reject " + std::to_string(code(c.reject_status()));
        check(e.kind == ServerEventKind::request);
        log += std::string(c.request().method.name()) + " " + c.request().target + "|";
        const auto announced = c.body_length();
        std::uint64_t body = 0;
        for (int chunk = 0; reads == 2 || chunk < reads; ++chunk) {
            if (c.continue_owed())
                c.continue_sent();
            ServerEvent b = c.next();
            while (b.kind == ServerEventKind::need_more && feed())
                b = c.next();
            if (b.kind == ServerEventKind::need_more)
                return log;
            if (b.kind == ServerEventKind::reject)
                return log + "reject " + std::to_string(code(c.reject_status()));
            if (b.kind == ServerEventKind::body_end)
                break;
            check(b.kind == ServerEventKind::body);
            body += b.data.size();
            log += std::string(b.data);  // pieces differ by split; the joined body does not
        }
        check(!announced || body <= *announced);
        const ReplyPlan plan = c.plan_reply(false);
        check(!plan.drain || (plan.keep_alive && c.has_body()));
        log += plan.keep_alive ? "|keep" : "|close";
        if (!plan.keep_alive)
            return log;
        while (plan.drain) {
            ServerEvent b = c.next();
            while (b.kind == ServerEventKind::need_more && feed())
                b = c.next();
            if (b.kind == ServerEventKind::need_more)
                return log;
            if (b.kind == ServerEventKind::body_end || b.kind == ServerEventKind::reject)
                break;
        }
        log += "\n";
    }
    return log;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    const int reads = data[0] % 3;  // 0: the handler reads nothing, 1: one chunk, 2: all of it
    const std::size_t step = 1 + (data[0] >> 2) % 17;
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
    ServerRules rules;
    rules.parser.max_body = 4096;
    rules.max_drain = 64;
    rules.max_requests = 8;
    // Whole and in pieces alike, as long as the handler reads every byte (with fewer reads, what a
    // chunk holds depends on the split, and so does what is left to drain).
    const std::string whole = run(input, input.size() + 1, reads, rules);
    const std::string pieces = run(input, step, reads, rules);
    if (reads == 2)
        check(whole == pieces);
    return 0;
}
