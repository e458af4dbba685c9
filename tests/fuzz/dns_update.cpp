// Fuzzes the dynamic-update path: TSIG location and verification, then UPDATE applied to a small
// zone. Invariants: the change it reports, applied to the old zone, gives the new zone; the change
// survives the journal's text; and the same records read as a zone transfer never crash.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dns/authority/update.hpp"
#include "dns/tsig/tsig.hpp"
#include "dns/zone/journal.hpp"
#include "dns/zone/transfer_stream.hpp"
#include "dns/zone/zone_parser.hpp"

using namespace layer7::dns;

namespace {

const Name& origin()
{
    static const Name name = Name::parse("example.test.").value();
    return name;
}

const Zone& zone()
{
    static const Zone z = [] {
        auto parsed = parse_zone(
            "$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.1\n@ MX 1 ns\n"
            "c CNAME ns\nwww A 192.0.2.2\nwww A 192.0.2.3\nt TXT \"a b\"\n",
            origin(), "fuzz");
        if (!parsed.ok())
            std::abort();
        return std::move(parsed).value();
    }();
    return z;
}

const std::vector<TsigKey>& keys()
{
    static const std::vector<TsigKey> k{parse_tsig_key("hmac-sha256:ddns:c2VjcmV0").value()};
    return k;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::span<const std::uint8_t> wire(data, size);
    if (auto tsig = find_tsig(wire); tsig.ok() && tsig.value()) {
        TsigSession session;
        const TsigCheck check = TsigSession::verify_request(wire, *tsig.value(), keys(), 1'790'000'000, session);
        std::vector<std::uint8_t> reply(wire.begin(), wire.begin() + static_cast<long>(tsig.value()->offset));
        if (reply.size() >= 12)
            session.sign(reply, 1'790'000'000, check.error);
    }
    auto message = decode(wire);
    if (!message.ok())
        return 0;
    (void)read_transfer(message.value().answers, origin(), true, 1);
    const UpdateResult result = apply_update(message.value(), zone(), UpdateGrant{keys()[0].name, {}, {}});
    if (!result.zone)
        return 0;
    Zone replay = zone();
    if (!apply(replay, *result.change) || replay.records() != result.zone->records())
        std::abort();
    auto read = parse_journal(journal_block(*result.change), origin());
    if (!read.error.empty() || read.changes.size() != 1 || !(read.changes[0] == *result.change))
        std::abort();
    return 0;
}
