// Fuzzes h2::ServerSession over a whole connection: the input is the client's byte stream, fed in
// pieces whose size the first byte picks. Every complete request is answered (a body pulled in
// two steps with a pause between, or none), body bytes are consumed as they come, and the output
// is drained after each piece. Whatever the bytes, no crash, no leak, and a session that said
// the connection failed stays failed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "http/h2/server_session.hpp"

using namespace layer7::http;
using namespace layer7::http::h2;

namespace {

struct Body : OutBody {
    int pulls = 0;
    Pulled pull(std::uint8_t* buffer, std::size_t max) override
    {
        ++pulls;
        const std::size_t n = std::min<std::size_t>(max, 100);
        std::memset(buffer, 'x', n);
        if (pulls == 1)
            return {n, State::wait};
        return {n, State::end};
    }
};

struct Events : SessionEvents {
    ServerSession* session = nullptr;
    std::map<std::int32_t, std::unique_ptr<Body>> bodies;
    std::map<std::int32_t, bool> waiting;
    void on_request(std::int32_t id, Request&& request, bool) override
    {
        Response r;
        r.fields.add("content-type", "text/plain");
        if (request.method == MethodId::head) {
            session->respond(id, r, nullptr);
            return;
        }
        auto& body = bodies[id];
        body = std::make_unique<Body>();
        session->respond(id, r, body.get());
        waiting[id] = true;
    }
    void on_data(std::int32_t id, std::string_view data) override { session->consume(id, data.size()); }
    void on_end_stream(std::int32_t) override {}
    void on_stream_close(std::int32_t id, std::uint32_t) override
    {
        waiting.erase(id);
        bodies.erase(id);
    }
    void on_trace(bool, std::string_view) override {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::size_t step = 1 + data[0] % 64;
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    Events events;
    SessionLimits limits;
    limits.max_header_list = 4096;
    ServerSession session(events, limits, data[0] & 0x80);
    events.session = &session;
    bool failed = false;
    std::string out;
    while (!input.empty() && !failed) {
        const std::string_view piece = input.substr(0, step);
        input.remove_prefix(piece.size());
        failed = !session.feed(piece);
        for (auto& [id, w] : events.waiting)
            if (w) {
                w = false;
                session.resume(id);
            }
        out.clear();
        if (!session.output(out, 1 << 20))
            failed = true;
    }
    return 0;
}
