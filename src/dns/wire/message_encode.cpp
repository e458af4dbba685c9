// Message encoding with name compression (RFC 1035 §4.1.4) and truncation by whole RRsets
// (RFC 2181 §9); the OPT record's room is reserved first so it survives (RFC 6891 §7).
#include <algorithm>

#include "core/bytes/wire_writer.hpp"
#include "dns/wire/compression.hpp"
#include "dns/wire/message.hpp"

namespace layer7::dns {
namespace {

constexpr std::size_t header_size = 12;

std::uint16_t flag_bits(const Flags& f, bool tc, Rcode rcode)
{
    std::uint16_t bits = static_cast<std::uint16_t>((static_cast<unsigned>(f.opcode) & 0xf) << 11);
    bits |= f.qr ? 0x8000 : 0;
    bits |= f.aa ? 0x0400 : 0;
    bits |= tc ? 0x0200 : 0;
    bits |= f.rd ? 0x0100 : 0;
    bits |= f.ra ? 0x0080 : 0;
    bits |= f.ad ? 0x0020 : 0;
    bits |= f.cd ? 0x0010 : 0;
    return static_cast<std::uint16_t>(bits | (static_cast<unsigned>(rcode) & 0xf));
}

std::size_t opt_size(const Edns& edns)
{
    std::size_t size = 11;  // root name, type, class, ttl, rdlength
    for (auto& o : edns.options)
        size += 4 + o.data.size();
    return size;
}

bool write_record(core::WireWriter& out, NameCompressor& names, const Record& rr)
{
    if (!names.write(out, rr.owner, true) || !out.fits(10))
        return false;
    out.u16(static_cast<std::uint16_t>(rr.type));
    out.u16(static_cast<std::uint16_t>(rr.klass));
    out.u32(rr.ttl);
    const std::size_t length_at = out.size();
    out.u16(0);
    if (!encode_rdata(rr.data, out, &names))
        return false;
    out.patch_u16(length_at, static_cast<std::uint16_t>(out.size() - length_at - 2));
    return true;
}

void write_opt(core::WireWriter& out, const Edns& edns, Rcode rcode)
{
    out.u8(0);
    out.u16(static_cast<std::uint16_t>(RrType::opt));
    out.u16(edns.udp_size);
    out.u32(static_cast<std::uint32_t>(static_cast<unsigned>(rcode) >> 4 & 0xff) << 24 |
            std::uint32_t{edns.version} << 16 | (edns.do_bit ? 0x8000u : 0u));
    std::size_t length = 0;
    for (auto& o : edns.options)
        length += 4 + o.data.size();
    out.u16(static_cast<std::uint16_t>(length));
    for (auto& o : edns.options) {
        out.u16(o.code);
        out.u16(static_cast<std::uint16_t>(o.data.size()));
        out.bytes(o.data);
    }
}

}  // namespace

std::vector<std::uint8_t> encode(const Message& m, std::size_t max_size)
{
    const std::size_t opt = m.edns ? opt_size(*m.edns) : 0;
    max_size = std::clamp<std::size_t>(max_size, header_size + opt, max_message_size);
    core::WireWriter out(max_size - opt);  // the OPT record's room is set aside
    NameCompressor names;
    for (int i = 0; i < 6; ++i)
        out.u16(0);
    std::uint16_t counts[4] = {};
    bool tc = m.flags.tc;
    bool full = false;
    for (auto& q : m.questions) {
        const std::size_t mark = out.size();
        if (!names.write(out, q.name, true) || !out.fits(4)) {
            out.truncate(mark);
            names.forget_from(mark);
            tc = full = true;
            break;
        }
        out.u16(static_cast<std::uint16_t>(q.type));
        out.u16(static_cast<std::uint16_t>(q.klass));
        ++counts[0];
    }
    const std::vector<Record>* sections[] = {&m.answers, &m.authority, &m.additional};
    for (int s = 0; s < 3 && !full; ++s) {
        auto& records = *sections[s];
        for (std::size_t i = 0; i < records.size() && !full;) {
            std::size_t end = i + 1;  // one RRset: a run of equal owner, type and class
            while (end < records.size() && records[end].type == records[i].type &&
                   records[end].klass == records[i].klass && records[end].owner == records[i].owner)
                ++end;
            const std::size_t mark = out.size();
            std::size_t k = i;
            while (k < end && counts[s + 1] + (k - i) < 0xffff && write_record(out, names, records[k]))
                ++k;
            if (k < end) {
                out.truncate(mark);
                names.forget_from(mark);
                full = true;
                // RFC 2181 §9: missing answer or authority data needs TC; extra additional data does not.
                tc = tc || s < 2;
                break;
            }
            counts[s + 1] = static_cast<std::uint16_t>(counts[s + 1] + (end - i));
            i = end;
        }
    }
    out.set_max_size(max_size);
    if (m.edns) {
        write_opt(out, *m.edns, m.rcode);
        ++counts[3];
    }
    out.patch_u16(0, m.id);
    out.patch_u16(2, flag_bits(m.flags, tc, m.rcode));
    for (int i = 0; i < 4; ++i)
        out.patch_u16(4 + 2 * i, counts[i]);
    return out.take();
}

}  // namespace layer7::dns
