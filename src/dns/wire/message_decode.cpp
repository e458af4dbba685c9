// Message decoding (RFC 1035 §4.1) with OPT lifted into Edns (RFC 6891 §6.1).
#include "dns/wire/message.hpp"

#include "core/bytes/wire_reader.hpp"
#include "dns/wire/compression.hpp"

namespace layer7::dns {
namespace {

Flags flags_from(std::uint16_t bits)
{
    Flags f;
    f.qr = bits & 0x8000;
    f.opcode = static_cast<Opcode>(bits >> 11 & 0xf);
    f.aa = bits & 0x0400;
    f.tc = bits & 0x0200;
    f.rd = bits & 0x0100;
    f.ra = bits & 0x0080;
    f.ad = bits & 0x0020;
    f.cd = bits & 0x0010;
    return f;
}

core::Result<Edns, DecodeError> decode_opt(const Record& opt, std::uint8_t& extended_rcode,
                                           std::span<const std::uint8_t> rdata)
{
    Edns edns;
    edns.udp_size = static_cast<std::uint16_t>(opt.klass);
    extended_rcode = static_cast<std::uint8_t>(opt.ttl >> 24);
    edns.version = static_cast<std::uint8_t>(opt.ttl >> 16);
    edns.do_bit = opt.ttl & 0x8000;
    core::WireReader r(rdata);
    while (r.ok() && !r.at_end()) {
        EdnsOption option;
        option.code = r.u16();
        auto data = r.bytes(r.u16());
        option.data.assign(data.begin(), data.end());
        edns.options.push_back(std::move(option));
    }
    if (!r.ok())
        return core::fail(DecodeError::bad_opt);
    return edns;
}

}  // namespace

std::optional<Header> peek_header(std::span<const std::uint8_t> wire)
{
    if (wire.size() < 12)
        return std::nullopt;
    core::WireReader r(wire);
    Header h;
    h.id = r.u16();
    std::uint16_t bits = r.u16();
    h.flags = flags_from(bits);
    h.rcode = bits & 0xf;
    h.qdcount = r.u16();
    h.ancount = r.u16();
    h.nscount = r.u16();
    h.arcount = r.u16();
    return h;
}

core::Result<Message, DecodeError> decode(std::span<const std::byte> wire, const DecodeLimits& limits)
{
    return decode(std::span(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size()), limits);
}

core::Result<Message, DecodeError> decode(std::span<const std::uint8_t> wire, const DecodeLimits& limits)
{
    auto header = peek_header(wire);
    if (!header)
        return core::fail(DecodeError::short_header);
    const std::size_t total = std::size_t{header->qdcount} + header->ancount + header->nscount + header->arcount;
    if (total > limits.max_records)
        return core::fail(DecodeError::too_many_records);
    Message m;
    m.id = header->id;
    m.flags = header->flags;
    core::WireReader r(wire);
    r.skip(12);
    for (int i = 0; i < header->qdcount; ++i) {
        auto name = read_name(r, limits);
        if (!name)
            return core::fail(name.error());
        Question q;
        q.name = std::move(name).value();
        q.type = static_cast<RrType>(r.u16());
        q.klass = static_cast<RrClass>(r.u16());
        if (!r.ok())
            return core::fail(DecodeError::short_message);
        m.questions.push_back(std::move(q));
    }
    std::uint8_t extended_rcode = 0;
    const std::uint16_t counts[] = {header->ancount, header->nscount, header->arcount};
    std::vector<Record>* sections[] = {&m.answers, &m.authority, &m.additional};
    for (int s = 0; s < 3; ++s) {
        for (int i = 0; i < counts[s]; ++i) {
            auto owner = read_name(r, limits);
            if (!owner)
                return core::fail(owner.error());
            Record rr;
            rr.owner = std::move(owner).value();
            rr.type = static_cast<RrType>(r.u16());
            rr.klass = static_cast<RrClass>(r.u16());
            rr.ttl = r.u32();
            const std::uint16_t length = r.u16();
            if (!r.ok())
                return core::fail(DecodeError::short_message);
            if (rr.type == RrType::opt) {
                // RFC 6891 §6.1.1: one OPT, in additional, owned by the root.
                if (s != 2 || m.edns || !rr.owner.is_root())
                    return core::fail(DecodeError::bad_opt);
                auto rdata = r.bytes(length);
                if (!r.ok())
                    return core::fail(DecodeError::short_rdata);
                auto edns = decode_opt(rr, extended_rcode, rdata);
                if (!edns)
                    return core::fail(edns.error());
                m.edns = std::move(edns).value();
                continue;
            }
            auto data = decode_rdata(rr.type, rr.klass, r, length, limits);
            if (!data)
                return core::fail(data.error());
            rr.data = std::move(data).value();
            sections[s]->push_back(std::move(rr));
        }
    }
    if (!r.at_end())
        return core::fail(DecodeError::trailing_bytes);
    m.rcode = static_cast<Rcode>(extended_rcode << 4 | header->rcode);
    return m;
}

std::string_view to_string(DecodeError e)
{
    switch (e) {
    case DecodeError::short_header: return "message shorter than its header";
    case DecodeError::short_message: return "message ends inside a section";
    case DecodeError::bad_label: return "unknown label type";
    case DecodeError::bad_pointer: return "compression pointer does not point backwards";
    case DecodeError::pointer_loop: return "too many compression pointers";
    case DecodeError::name_too_long: return "name longer than 255 octets";
    case DecodeError::short_rdata: return "RDATA shorter than its fields";
    case DecodeError::bad_rdata: return "malformed RDATA";
    case DecodeError::bad_opt: return "misplaced or repeated OPT record";
    case DecodeError::too_many_records: return "too many records";
    case DecodeError::trailing_bytes: return "bytes after the last record";
    }
    return "?";
}

}  // namespace layer7::dns
