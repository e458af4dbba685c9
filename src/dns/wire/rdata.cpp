// Rdata decode, encode and presentation text (RFC 1035 §3.3, 3596, 2782, 8659, 3597).
#include "dns/wire/rdata.hpp"

#include <cstdio>

#include "dns/wire/rdata_text.hpp"

namespace layer7::dns {
namespace {

template <class... F>
struct Overload : F... {
    using F::operator()...;
};
template <class... F>
Overload(F...) -> Overload<F...>;

core::Result<Rdata, DecodeError> decode_typed(RrType type, core::WireReader& r, std::size_t end,
                                              const DecodeLimits& limits)
{
    auto name = [&]() -> core::Result<Name, DecodeError> { return read_name(r, limits); };
    switch (type) {
    case RrType::a: {
        A a;
        auto b = r.bytes(4);
        std::copy(b.begin(), b.end(), a.address.begin());
        return Rdata(a);
    }
    case RrType::aaaa: {
        Aaaa a;
        auto b = r.bytes(16);
        std::copy(b.begin(), b.end(), a.address.begin());
        return Rdata(a);
    }
    case RrType::ns:
    case RrType::cname:
    case RrType::ptr: {
        auto n = name();
        if (!n)
            return core::fail(n.error());
        if (type == RrType::ns)
            return Rdata(Ns{std::move(n).value()});
        if (type == RrType::cname)
            return Rdata(Cname{std::move(n).value()});
        return Rdata(Ptr{std::move(n).value()});
    }
    case RrType::mx: {
        Mx mx;
        mx.preference = r.u16();
        auto n = name();
        if (!n)
            return core::fail(n.error());
        mx.exchange = std::move(n).value();
        return Rdata(std::move(mx));
    }
    case RrType::soa: {
        Soa soa;
        auto m = name();
        if (!m)
            return core::fail(m.error());
        auto rn = name();
        if (!rn)
            return core::fail(rn.error());
        soa.mname = std::move(m).value();
        soa.rname = std::move(rn).value();
        soa.serial = r.u32();
        soa.refresh = r.u32();
        soa.retry = r.u32();
        soa.expire = r.u32();
        soa.minimum = r.u32();
        return Rdata(std::move(soa));
    }
    case RrType::txt: {
        Txt txt;
        while (r.ok() && r.position() < end) {
            auto len = r.u8();
            auto b = r.bytes(len);
            txt.strings.emplace_back(b.begin(), b.end());
        }
        return Rdata(std::move(txt));
    }
    case RrType::srv: {
        Srv srv;
        srv.priority = r.u16();
        srv.weight = r.u16();
        srv.port = r.u16();
        auto n = name();  // RFC 2782 forbids compressing it; we still read it if a sender did
        if (!n)
            return core::fail(n.error());
        srv.target = std::move(n).value();
        return Rdata(std::move(srv));
    }
    case RrType::caa: {
        Caa caa;
        caa.flags = r.u8();
        auto tag_len = r.u8();
        if (r.ok() && tag_len == 0)
            return core::fail(DecodeError::bad_rdata);  // RFC 8659 §4.1: the tag is not empty
        auto tag = r.bytes(tag_len);
        caa.tag.assign(tag.begin(), tag.end());
        auto value = r.bytes(end > r.position() ? end - r.position() : 0);
        caa.value.assign(value.begin(), value.end());
        return Rdata(std::move(caa));
    }
    default: break;
    }
    auto b = r.bytes(end - r.position());
    return Rdata(Unknown{{b.begin(), b.end()}});
}

bool class_independent(RrType type)
{
    return type != RrType::a && type != RrType::aaaa && type != RrType::srv;
}

bool write_string(core::WireWriter& out, const std::string& s)
{
    return s.size() <= 255 && out.fits(1 + s.size()) && out.try_u8(static_cast<std::uint8_t>(s.size())) &&
           out.try_bytes(s);
}

}  // namespace

core::Result<Rdata, DecodeError> decode_rdata(RrType type, RrClass klass, core::WireReader& reader, std::size_t length,
                                              const DecodeLimits& limits)
{
    const std::size_t start = reader.position();
    if (length > reader.remaining())
        return core::fail(DecodeError::short_rdata);
    const std::size_t end = start + length;
    // A reader that ends with this RDATA: fields cannot run into the next record.
    core::WireReader r(reader.data().first(end));
    r.seek(start);
    Rdata data = Unknown{};
    if (length == 0 || (klass != RrClass::in && !class_independent(type))) {
        auto b = r.bytes(length);
        data = Unknown{{b.begin(), b.end()}};
    } else {
        auto decoded = decode_typed(type, r, end, limits);
        if (!decoded)
            return decoded.error() == DecodeError::short_message ? core::fail(DecodeError::short_rdata)
                                                                 : core::fail(decoded.error());
        data = std::move(decoded).value();
    }
    if (!r.ok())
        return core::fail(DecodeError::short_rdata);
    if (r.position() != end)
        return core::fail(DecodeError::bad_rdata);
    reader.seek(end);
    return data;
}

bool encode_rdata(const Rdata& data, core::WireWriter& out, NameCompressor* names)
{
    const std::size_t mark = out.size();
    NameCompressor none;  // without a table nothing is compressed
    NameCompressor& table = names ? *names : none;
    auto name = [&](const Name& n, bool compress) { return table.write(out, n, compress && names); };
    bool ok = std::visit(Overload{
                             [&](const A& a) { return out.try_bytes(a.address); },
                             [&](const Aaaa& a) { return out.try_bytes(a.address); },
                             [&](const Ns& ns) { return name(ns.host, true); },
                             [&](const Cname& c) { return name(c.target, true); },
                             [&](const Ptr& p) { return name(p.target, true); },
                             [&](const Mx& mx) { return out.try_u16(mx.preference) && name(mx.exchange, true); },
                             [&](const Soa& s) {
                                 return name(s.mname, true) && name(s.rname, true) && out.fits(20) &&
                                        out.try_u32(s.serial) && out.try_u32(s.refresh) && out.try_u32(s.retry) &&
                                        out.try_u32(s.expire) && out.try_u32(s.minimum);
                             },
                             [&](const Txt& t) {
                                 for (auto& s : t.strings)
                                     if (!write_string(out, s))
                                         return false;
                                 return true;
                             },
                             [&](const Srv& s) {
                                 return out.fits(6) && out.try_u16(s.priority) && out.try_u16(s.weight) &&
                                        out.try_u16(s.port) && name(s.target, false);
                             },
                             [&](const Caa& c) {
                                 return c.tag.size() <= 255 && out.fits(2 + c.tag.size() + c.value.size()) &&
                                        out.try_u8(c.flags) && out.try_u8(static_cast<std::uint8_t>(c.tag.size())) &&
                                        out.try_bytes(c.tag) && out.try_bytes(c.value);
                             },
                             [&](const Unknown& u) { return out.try_bytes(u.bytes); },
                         },
                         data);
    if (!ok) {
        out.truncate(mark);
        if (names)
            names->forget_from(mark);
    }
    return ok;
}

std::string to_text(const Rdata& data)
{
    return std::visit(
        Overload{
            [](const A& a) {
                char buf[16];
                std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", a.address[0], a.address[1], a.address[2], a.address[3]);
                return std::string(buf);
            },
            [](const Aaaa& a) { return format_ipv6(a.address); },
            [](const Ns& ns) { return ns.host.to_text(); },
            [](const Cname& c) { return c.target.to_text(); },
            [](const Ptr& p) { return p.target.to_text(); },
            [](const Mx& mx) { return std::to_string(mx.preference) + " " + mx.exchange.to_text(); },
            [](const Soa& s) {
                return s.mname.to_text() + " " + s.rname.to_text() + " " + std::to_string(s.serial) + " " +
                       std::to_string(s.refresh) + " " + std::to_string(s.retry) + " " + std::to_string(s.expire) +
                       " " + std::to_string(s.minimum);
            },
            [](const Txt& t) {
                std::string out;
                for (auto& s : t.strings)
                    out += (out.empty() ? "" : " ") + quote_string(s);
                return out;
            },
            [](const Srv& s) {
                return std::to_string(s.priority) + " " + std::to_string(s.weight) + " " + std::to_string(s.port) +
                       " " + s.target.to_text();
            },
            [](const Caa& c) { return std::to_string(c.flags) + " " + c.tag + " " + quote_string(c.value); },
            [](const Unknown& u) {
                static constexpr char hex[] = "0123456789abcdef";
                std::string out = "\\# " + std::to_string(u.bytes.size());
                if (!u.bytes.empty())
                    out += ' ';
                for (auto b : u.bytes) {
                    out.push_back(hex[b >> 4]);
                    out.push_back(hex[b & 15]);
                }
                return out;
            },
        },
        data);
}

std::optional<RrType> type_of(const Rdata& data)
{
    constexpr RrType types[] = {RrType::a,  RrType::aaaa, RrType::ns,  RrType::cname, RrType::ptr,
                                RrType::mx, RrType::soa,  RrType::txt, RrType::srv,   RrType::caa};
    if (std::holds_alternative<Unknown>(data))
        return std::nullopt;
    return types[data.index()];
}

}  // namespace layer7::dns
