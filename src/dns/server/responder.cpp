// The server's pure core: see responder.hpp.
#include "dns/server/responder.hpp"

#include "dns/tsig/tsig.hpp"

namespace layer7::dns {

Vetting vet_query(std::span<const std::uint8_t> wire)
{
    auto header = peek_header(wire);
    if (!header || header->flags.qr)
        return Vetting::drop;
    // The counts below are QUERY's; UPDATE and NOTIFY count otherwise, and we know no other opcode.
    if (header->flags.opcode == Opcode::update || header->flags.opcode == Opcode::notify)
        return Vetting::control;
    if (header->flags.opcode != Opcode::query)
        return Vetting::not_imp;
    // One question; at most one record in answer/authority (IXFR's SOA) and two in additional
    // (OPT and TSIG).
    if (header->qdcount != 1 || header->ancount > 1 || header->nscount > 1 || header->arcount > 2)
        return Vetting::form_err;
    return Vetting::accept;
}

std::vector<std::uint8_t> header_reply(const Header& query, Rcode rcode)
{
    const auto op = static_cast<std::uint8_t>(query.flags.opcode) & 0x0f;
    const bool rd = query.flags.opcode == Opcode::query && query.flags.rd;
    return {static_cast<std::uint8_t>(query.id >> 8),
            static_cast<std::uint8_t>(query.id & 0xff),
            static_cast<std::uint8_t>(0x80 | op << 3 | (rd ? 1 : 0)),
            static_cast<std::uint8_t>(static_cast<unsigned>(rcode) & 0x0f),
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            0};
}

Handled handle_query(std::span<const std::uint8_t> wire, const ZoneSet& zones, Transport transport,
                     const AnswerOptions& options, bool control)
{
    Handled out;
    const Vetting vetting = vet_query(wire);
    switch (vetting) {
    case Vetting::drop: return out;
    case Vetting::control:
        if (control)
            break;
        [[fallthrough]];
    case Vetting::not_imp: out.wire = header_reply(*peek_header(wire), Rcode::not_imp); return out;
    case Vetting::form_err: out.wire = header_reply(*peek_header(wire), Rcode::form_err); return out;
    case Vetting::accept: break;
    }
    auto decoded = decode(wire);
    if (!decoded.ok()) {
        out.wire = header_reply(*peek_header(wire), Rcode::form_err);
        return out;
    }
    out.query = std::move(decoded).value();
    const auto& additional = out.query->additional;
    if (vetting == Vetting::control ||
        (control && !additional.empty() && static_cast<std::uint16_t>(additional.back().type) == tsig_type)) {
        out.control = true;
        return out;
    }
    out.response = answer(*out.query, zones, options);
    const std::size_t size = transport == Transport::udp ? udp_reply_size(*out.query) : max_message_size;
    out.wire = encode(*out.response, size);
    return out;
}

}  // namespace layer7::dns
