// Fuzzes h1::ResponseParser: parsed whole and in pieces (transcripts must agree), each head is
// serialized and re-parsed. The request methods queued (GET/HEAD/CONNECT) come from the input size.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/h1/response_parser.hpp"
#include "http/h1/serializer.hpp"

using namespace layer7::http;
using namespace layer7::http::h1;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

void round_trip(const Response& response)
{
    std::string wire;
    check(append_response_head(wire, response));
    ResponseParser again;
    again.expect_response_to(Method(MethodId::head));  // compare head syntax only, not framing
    again.feed(wire);
    check(again.next().kind == EventKind::head);
    const Response& r = again.response();
    check(r.status == response.status && r.version == response.version && r.fields == response.fields);
    check(response.reason.empty() || r.reason == response.reason);
}

std::string transcript(std::string_view input, std::size_t step, bool verify)
{
    ParserLimits limits;
    if (input.size() % 2) {
        limits.max_start_line = 64;
        limits.max_field_section = 256;
        limits.max_fields = 8;
        limits.max_body = 512;
    }
    ResponseParser parser(limits);
    for (std::size_t i = 0, bits = input.size() / 2; i < 4; ++i, bits /= 3)
        parser.expect_response_to(Method(bits % 3 == 0   ? MethodId::get
                                         : bits % 3 == 1 ? MethodId::head
                                                         : MethodId::connect));
    std::string out;
    for (std::size_t at = 0; at <= input.size(); at += step) {
        parser.feed(input.substr(at, step));
        for (;;) {
            Event e = parser.next();
            if (e.kind == EventKind::need_more)
                break;
            if (e.kind == EventKind::head) {
                out += "H" + std::to_string(code(parser.response().status)) + "\n";
                if (verify)
                    round_trip(parser.response());
            } else if (e.kind == EventKind::data) {
                check(!e.data.empty() && parser.body_bytes() <= limits.max_body);
                // no per-event marker: how content is cut into events depends on the split
                out += e.data;
            } else if (e.kind == EventKind::complete) {
                out += "C\n";
            } else {
                return out + "E" + std::string(describe(parser.error()));
            }
        }
    }
    Event last = parser.finish();
    out += last.kind == EventKind::error ? "!" : last.kind == EventKind::complete ? "C" : ".";
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view input(reinterpret_cast<const char*>(data), size);
    check(transcript(input, input.size() + 1, true) == transcript(input, 1 + size % 11, false));
    return 0;
}
