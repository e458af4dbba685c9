// Fuzzes the DNS message codec: decode → encode → decode must give the same message and the
// same bytes again; then answer() over a small zone set must produce a reply that decodes.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dns/authority/answer.hpp"
#include "dns/wire/message.hpp"
#include "dns/zone/zone_parser.hpp"

using namespace layer7::dns;

namespace {
const ZoneSet& zones()
{
    static const ZoneSet set = [] {
        ZoneSet s;
        auto z = parse_zone(
            "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n@ MX 1 ns\n"
            "c CNAME ns\n*.w TXT wild\nsub NS ns.sub\nns.sub AAAA ::1\n",
            Name::parse("example.").value(), "fuzz");
        if (!z.ok())
            std::abort();
        s.add(std::move(z).value());
        return s;
    }();
    return set;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    auto first = decode(std::span(data, size));
    if (!first.ok())
        return 0;
    const auto wire = encode(*first);
    auto second = decode(wire);
    if (!second.ok())
        std::abort();
    if (wire.size() < max_message_size && !(second.value() == first.value()))
        std::abort();
    if (encode(*second) != wire)
        std::abort();
    (void)to_text(*second);
    if (peek_header(wire)->id != first->id)
        std::abort();
    Message reply = answer(*first, zones());
    auto reply_wire = encode(reply, udp_reply_size(*first));
    if (reply_wire.size() > udp_reply_size(*first) || !decode(reply_wire).ok())
        std::abort();
    return 0;
}
