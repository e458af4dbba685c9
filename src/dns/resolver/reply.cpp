// Client-side edges of the resolver server (RFC 1035 §4.1.1, RFC 6891, RFC 5358).
#include "dns/resolver/reply.hpp"

#include <algorithm>

namespace layer7::dns::resolver {
namespace {

constexpr std::uint16_t our_udp_size = 1232;

Message reply_header(const Message& query, Rcode rcode)
{
    Message r;
    r.id = query.id;
    r.flags.qr = true;
    r.flags.opcode = query.flags.opcode;
    r.flags.rd = query.flags.rd;
    r.flags.cd = query.flags.cd;
    r.flags.ra = true;
    r.rcode = rcode;
    r.questions = query.questions;
    if (query.edns)
        r.edns = edns_of(our_udp_size);
    return r;
}

std::vector<std::uint8_t> header_only(std::span<const std::uint8_t> wire, Rcode rcode)
{
    auto h = peek_header(wire);
    Message r;
    r.id = h->id;
    r.flags.qr = true;
    r.flags.opcode = h->flags.opcode;
    r.flags.rd = h->flags.rd;
    r.flags.ra = true;
    r.rcode = rcode;
    return encode(r, 512);
}

}  // namespace

Edns edns_of(std::uint16_t udp_size, std::uint8_t version)
{
    Edns e;
    e.udp_size = udp_size;
    e.version = version;
    return e;
}

std::size_t reply_size(const Message& query)
{
    if (!query.edns)
        return 512;
    return std::clamp<std::size_t>(query.edns->udp_size, 512, 4096);
}

Incoming take_query(std::span<const std::uint8_t> wire, bool allowed)
{
    Incoming in;
    auto header = peek_header(wire);
    if (!header || header->flags.qr)
        return in;
    auto decoded = decode(wire);
    if (!decoded) {
        in.action = Intake::reply_now;
        in.wire = header_only(wire, Rcode::form_err);
        return in;
    }
    in.query = std::move(decoded).value();
    in.action = Intake::reply_now;
    if (!allowed)
        in.wire = make_error(in.query, Rcode::refused);
    else if (in.query.flags.opcode != Opcode::query)
        in.wire = make_error(in.query, Rcode::not_imp);
    else if (in.query.questions.size() != 1)
        in.wire = make_error(in.query, Rcode::form_err);
    else if (in.query.edns && in.query.edns->version != 0)
        in.wire = make_error(in.query, Rcode::bad_vers);  // RFC 6891 §6.1.3
    else
        in.action = Intake::resolve;
    return in;
}

std::vector<std::uint8_t> make_error(const Message& query, Rcode rcode)
{
    Message r = reply_header(query, rcode);
    if (r.rcode == Rcode::bad_vers && !r.edns)
        r.edns = edns_of(our_udp_size);
    return encode(r, reply_size(query));
}

std::vector<std::uint8_t> make_reply(const Message& query, const Message& answer, std::size_t max_size)
{
    Message r = reply_header(query, answer.rcode);
    r.answers = answer.answers;
    r.authority = answer.authority;
    // The client's spelling of its name goes back (RFC 4343 §4.1), also where an answer record
    // repeats it, so clients using 0x20 mixed case see their bits.
    const Name& asked = query.questions.front().name;
    for (auto& rec : r.answers)
        if (rec.owner == asked)
            rec.owner = asked;
    return encode(r, max_size);
}

}  // namespace layer7::dns::resolver
