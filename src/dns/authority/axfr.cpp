// AXFR: records in canonical order between two copies of the SOA, cut into messages.
#include "dns/authority/axfr.hpp"

#include <cstdint>

#include "core/bytes/wire_writer.hpp"

namespace layer7::dns {
namespace {

std::size_t wire_size(const Record &rr)
{
    core::WireWriter scratch;
    encode_rdata(rr.data, scratch, nullptr);
    return rr.owner.wire_size() + 10 + scratch.size();
}

Message start(std::uint16_t id)
{
    Message m;
    m.id = id;
    m.flags.qr = true;
    m.flags.aa = true;
    return m;
}

// RFC 1995 §2: the client's SOA serial is the same as ours or newer (RFC 1982 serial arithmetic).
bool client_is_current(const Message &query, const Zone &zone, const Soa &ours)
{
    for (const auto &rr : query.authority)
        if (const auto *theirs = std::get_if<Soa>(&rr.data); theirs && rr.owner == zone.origin())
            return static_cast<std::int32_t>(theirs->serial - ours.serial) >= 0;
    return false;
}

}  // namespace

std::vector<Message> axfr(const Zone &zone, std::uint16_t id, std::size_t max_bytes)
{
    std::vector<Record> records = zone.records();
    if (!records.empty() && records.front().type == RrType::soa)
        records.push_back(records.front());
    std::vector<Message> out;
    Message m = start(id);
    m.questions.push_back({zone.origin(), RrType::axfr, RrClass::in});
    std::size_t used = 12 + zone.origin().wire_size() + 4;
    for (auto &rr : records) {
        const std::size_t size = wire_size(rr);
        if (!m.answers.empty() && used + size > max_bytes) {
            out.push_back(std::move(m));
            m = start(id);
            used = 12;
        }
        used += size;
        m.answers.push_back(std::move(rr));
    }
    out.push_back(std::move(m));
    return out;
}

std::vector<Message> axfr(const Message &query, const ZoneSet &zones, std::size_t max_bytes)
{
    Message error = start(query.id);
    error.flags.aa = false;
    error.flags.opcode = query.flags.opcode;
    error.questions = query.questions;
    if (query.flags.opcode != Opcode::query || query.questions.size() != 1 ||
        (query.questions.front().type != RrType::axfr && query.questions.front().type != RrType::ixfr)) {
        error.rcode = Rcode::form_err;
        return {error};
    }
    const Name &name = query.questions.front().name;
    const Zone *zone = zones.find(name);
    if (!zone || !(zone->origin() == name)) {
        error.rcode = zone ? Rcode::not_auth : Rcode::refused;
        return {error};
    }
    const RRset *soa = zone->soa();
    if (query.questions.front().type == RrType::ixfr && soa &&
        client_is_current(query, *zone, std::get<Soa>(soa->records().front().data))) {
        Message current = start(query.id);
        current.questions = query.questions;
        current.answers.push_back(soa->records().front());
        return {current};
    }
    auto messages = axfr(*zone, query.id, max_bytes);
    messages.front().questions = query.questions;  // echo the client's spelling
    return messages;
}

}  // namespace layer7::dns
