// Fuzzes cgi::HeaderParser: parsed whole and byte by byte (verdicts and bodies must agree); a block
// that parses is written back out and must parse to the same header.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/cgi/header_block.hpp"

using namespace layer7::http;
using namespace layer7::http::cgi;

namespace {

void check(bool ok)
{
    if (!ok)
        std::abort();
}

struct Outcome {
    HeaderParser::State state;
    HeaderError error;
    std::string body;
};

Outcome run(HeaderParser& p, std::string_view input, std::size_t step)
{
    Outcome o{};
    for (std::size_t at = 0; at < input.size(); at += step) {
        const std::string_view piece = input.substr(at, step);
        const std::size_t used = p.feed(piece);
        check(used <= piece.size());
        if (p.state() == HeaderParser::State::done) {
            o.body = std::string(piece.substr(used)) + std::string(input.substr(at + piece.size()));
            break;
        }
        if (p.state() == HeaderParser::State::failed)
            break;
    }
    p.finish();
    o.state = p.state();
    o.error = p.error();
    return o;
}

std::string encode(const ScriptHeader& h)
{
    std::string s;
    if (h.status)
        s += "Status: " + std::to_string(*h.status) + (h.reason.empty() ? "" : " " + h.reason) + "\r\n";
    if (!h.location.empty())
        s += "Location: " + h.location + "\r\n";
    if (!h.content_type.empty())
        s += "Content-Type: " + h.content_type + "\r\n";
    for (Field f : h.fields)
        s += std::string(f.name) + ": " + std::string(f.value) + "\r\n";
    return s + "\r\n";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const HeaderLimits limits{.max_block = 4096, .max_fields = 32};
    HeaderParser whole(limits), bytewise(limits);
    const Outcome a = run(whole, input, input.empty() ? 1 : input.size());
    const Outcome b = run(bytewise, input, 1);
    check(a.state == b.state);
    if (a.state == HeaderParser::State::failed) {
        check(a.error == b.error);
        return 0;
    }
    check(a.body == b.body);
    const ScriptHeader& h = whole.header();
    check(h.fields == bytewise.header().fields && h.status == bytewise.header().status);
    HeaderParser again({.max_block = 1 << 20, .max_fields = 1000});
    const std::string wire = encode(h);
    check(again.feed(wire) == wire.size());
    check(again.state() == HeaderParser::State::done);
    const ScriptHeader& r = again.header();
    check(r.status == h.status && r.reason == h.reason && r.location == h.location &&
          r.content_type == h.content_type && r.fields == h.fields && r.kind() == h.kind());
    return 0;
}
