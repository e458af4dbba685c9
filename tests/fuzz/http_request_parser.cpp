// Fuzzes h1::RequestParser: the input (raw request bytes) is parsed whole and in pieces, and both
// transcripts must agree; every parsed head is serialized, re-parsed and must come back identical.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/h1/request_parser.hpp"
#include "http/h1/serializer.hpp"

using namespace layer7::http;
using namespace layer7::http::h1;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

ParserLimits limits_for(std::size_t size)
{
    ParserLimits limits;
    if (size % 2) {  // small limits on odd-sized inputs, so the fuzzer reaches every limit path
        limits.max_start_line = 64;
        limits.max_field_section = 256;
        limits.max_fields = 8;
        limits.max_body = 512;
        limits.max_chunk_line = 32;
        limits.allow_bare_lf = size % 4 == 1;
    }
    return limits;
}

// Serializes the head and parses it again: method, target, version and fields must survive.
void round_trip(const Request& request)
{
    std::string wire;
    check(append_request_head(wire, request));
    RequestParser again;
    again.feed(wire);
    Event e = again.next();
    check(e.kind == EventKind::head);
    const Request& r = again.request();
    check(r.method == request.method && r.target == request.target && r.version == request.version);
    check(r.fields == request.fields);
}

std::string transcript(std::string_view input, std::size_t step, bool verify)
{
    RequestParser parser(limits_for(input.size()));
    std::string out;
    for (std::size_t at = 0; at <= input.size(); at += step) {
        parser.feed(input.substr(at, step));
        for (;;) {
            Event e = parser.next();
            if (e.kind == EventKind::need_more)
                break;
            if (e.kind == EventKind::head) {
                out += "H" + std::string(parser.request().method.name()) + " " + parser.request().target + "\n";
                if (verify)
                    round_trip(parser.request());
            } else if (e.kind == EventKind::data) {
                check(!e.data.empty());
                check(parser.body_bytes() <= parser.limits().max_body);
                // no per-event marker: how content is cut into events depends on the split
                out += e.data;
            } else if (e.kind == EventKind::complete) {
                out += "C\n";
            } else {
                out += "E" + std::string(describe(parser.error()));
                return out;
            }
        }
    }
    Event last = parser.finish();
    out += last.kind == EventKind::error ? "!" : ".";
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string whole = transcript(input, input.size() + 1, true);
    std::string split = transcript(input, 1 + size % 13, false);
    check(whole == split);
    return 0;
}
