// AXFR: records in canonical order between two copies of the SOA, cut into messages.
#include "dns/authority/axfr.hpp"

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
        query.questions.front().type != RrType::axfr) {
        error.rcode = Rcode::form_err;
        return {error};
    }
    const Name &name = query.questions.front().name;
    const Zone *zone = zones.find(name);
    if (!zone || !(zone->origin() == name)) {
        error.rcode = zone ? Rcode::not_auth : Rcode::refused;
        return {error};
    }
    auto messages = axfr(*zone, query.id, max_bytes);
    messages.front().questions = query.questions;  // echo the client's spelling
    return messages;
}

}  // namespace layer7::dns
