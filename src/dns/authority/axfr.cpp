// AXFR: records in canonical order between two copies of the SOA, cut into messages. IXFR: the
// changes since the client's serial between two copies of the current SOA (RFC 1995 §4).
#include "dns/authority/axfr.hpp"

#include <cstdint>

#include "core/bytes/wire_writer.hpp"
#include "dns/zone/zone_change.hpp"

namespace layer7::dns {
namespace {

std::size_t wire_size(const Record& rr)
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

// The serial of the client's SOA in an IXFR query's authority section (RFC 1995 §3).
std::optional<std::uint32_t> client_serial(const Message& query, const Zone& zone)
{
    for (const auto& rr : query.authority)
        if (const auto* theirs = std::get_if<Soa>(&rr.data); theirs && rr.owner == zone.origin())
            return theirs->serial;
    return std::nullopt;
}

// Records into messages of at most `max_bytes` uncompressed; the first carries the question.
std::vector<Message> pack(std::vector<Record> records, const Question& question, std::uint16_t id,
                          std::size_t max_bytes)
{
    std::vector<Message> out;
    Message m = start(id);
    m.questions.push_back(question);
    std::size_t used = 12 + question.name.wire_size() + 4;
    for (auto& rr : records) {
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

}  // namespace

std::vector<Message> axfr(const Zone& zone, std::uint16_t id, std::size_t max_bytes)
{
    std::vector<Record> records = zone.records();
    if (!records.empty() && records.front().type == RrType::soa)
        records.push_back(records.front());
    return pack(std::move(records), {zone.origin(), RrType::axfr, RrClass::in}, id, max_bytes);
}

std::vector<Message> axfr(const Message& query, const ZoneSet& zones, std::size_t max_bytes)
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
    const Name& name = query.questions.front().name;
    const ZoneSet::Entry* entry = zones.entry(name);
    if (!entry) {
        error.rcode = zones.find(name) ? Rcode::not_auth : Rcode::refused;
        return {error};
    }
    const Zone& zone = *entry->zone;
    const RRset* soa = zone.soa();
    if (query.questions.front().type == RrType::ixfr && soa) {
        const Record current = soa->records().front();
        if (const auto theirs = client_serial(query, zone)) {
            if (!serial_newer(soa_serial(zone), *theirs)) {  // RFC 1995 §2: only our SOA
                Message m = start(query.id);
                m.questions = query.questions;
                m.answers.push_back(current);
                return {m};
            }
            if (auto chain = changes_since(entry->history, *theirs); chain && !chain->empty()) {
                std::vector<Record> records{current};
                for (const auto& change : *chain) {
                    records.insert(records.end(), change->removed.begin(), change->removed.end());
                    records.insert(records.end(), change->added.begin(), change->added.end());
                }
                records.push_back(current);
                return pack(std::move(records), query.questions.front(), query.id, max_bytes);
            }
        }
    }
    auto messages = axfr(zone, query.id, max_bytes);
    messages.front().questions = query.questions;  // echo the client's spelling
    return messages;
}

}  // namespace layer7::dns
