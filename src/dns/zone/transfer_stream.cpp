// Reading a zone transfer: see transfer_stream.hpp.
#include "dns/zone/transfer_stream.hpp"

#include <optional>

namespace layer7::dns {
namespace {

const Soa* soa_of(const Record& r)
{
    return r.type == RrType::soa ? std::get_if<Soa>(&r.data) : nullptr;
}

TransferContent failed(std::string why)
{
    TransferContent t;
    t.error = std::move(why);
    return t;
}

// In an incremental stream, SOA(new) [SOA(old) removed… SOA(next) added…]… SOA(new), the index of
// the closing SOA: the first SOA of the new serial where a change would otherwise start.
std::optional<std::size_t> incremental_end(const std::vector<Record>& records, std::uint32_t last)
{
    bool at_change_start = true;
    for (std::size_t i = 1; i < records.size(); ++i) {
        const Soa* soa = soa_of(records[i]);
        if (!soa)
            continue;
        if (at_change_start && soa->serial == last)
            return i;
        at_change_start = !at_change_start;  // old SOA opens the removals, next SOA the additions
    }
    return std::nullopt;
}

bool is_incremental(const std::vector<Record>& records, bool ixfr)
{
    return ixfr && records.size() >= 2 && soa_of(records[1]) && records.size() != 2;
}

}  // namespace

TransferContent read_transfer(const std::vector<Record>& records, const Name& origin, bool ixfr, std::uint32_t serial)
{
    if (records.empty() || !soa_of(records.front()) || !(records.front().owner == origin))
        return failed("the transfer does not start with the zone's SOA");
    for (const auto& r : records) {
        if (!r.owner.is_subdomain_of(origin))
            return failed(r.owner.to_text() + " is outside the zone");
        if (r.type == RrType::soa && (!soa_of(r) || !(r.owner == origin)))
            return failed("a SOA record that is not the zone's");
    }
    const std::uint32_t last = soa_of(records.front())->serial;
    if (records.size() == 1) {
        TransferContent t;
        t.up_to_date = true;
        return t;
    }
    if (!is_incremental(records, ixfr)) {
        Zone zone(origin);
        for (std::size_t i = 0; i + 1 < records.size(); ++i) {
            if (i > 0 && soa_of(records[i]))
                return failed("a second SOA inside the zone");
            zone.add(records[i]);
        }
        if (!zone.find(origin, RrType::ns))
            return failed("the transferred zone has no NS at its apex");
        TransferContent t;
        t.zone = std::move(zone);
        return t;
    }
    const auto end = incremental_end(records, last);
    if (!end || *end + 1 != records.size())
        return failed("the IXFR does not end with the new SOA");
    TransferContent t;
    std::size_t i = 1;
    while (i < *end) {
        ZoneChange change;
        change.removed.push_back(records[i++]);
        while (i < *end && !soa_of(records[i]))
            change.removed.push_back(records[i++]);
        if (i >= *end)
            return failed("an IXFR change has no new SOA");
        change.added.push_back(records[i++]);
        while (i < *end && !soa_of(records[i]))
            change.added.push_back(records[i++]);
        const bool chained =
            t.changes.empty() ? change.from_serial() == serial : change.from_serial() == t.changes.back().to_serial();
        if (!chained)
            return failed("the IXFR changes do not follow on from serial " + std::to_string(serial));
        t.changes.push_back(std::move(change));
    }
    if (t.changes.empty() || t.changes.back().to_serial() != last)
        return failed("the IXFR changes do not end at the new serial");
    return t;
}

}  // namespace layer7::dns
