// Rdata: the typed RDATA of A, AAAA, NS, CNAME, PTR, MX, SOA, TXT (RFC 1035 §3.3), AAAA (RFC 3596),
// SRV (RFC 2782), CAA (RFC 8659), and opaque bytes for every other type (RFC 3597).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/bytes/wire_reader.hpp"
#include "core/bytes/wire_writer.hpp"
#include "core/result.hpp"
#include "dns/wire/compression.hpp"
#include "dns/wire/decode_error.hpp"
#include "dns/wire/name.hpp"
#include "dns/wire/types.hpp"

namespace layer7::dns {

struct A {
    std::array<std::uint8_t, 4> address{};
    bool operator==(const A&) const = default;
};
struct Aaaa {
    std::array<std::uint8_t, 16> address{};
    bool operator==(const Aaaa&) const = default;
};
struct Ns {
    Name host;
    bool operator==(const Ns&) const = default;
};
struct Cname {
    Name target;
    bool operator==(const Cname&) const = default;
};
struct Ptr {
    Name target;
    bool operator==(const Ptr&) const = default;
};
struct Mx {
    std::uint16_t preference = 0;
    Name exchange;
    bool operator==(const Mx&) const = default;
};
struct Soa {
    Name mname, rname;
    std::uint32_t serial = 0, refresh = 0, retry = 0, expire = 0, minimum = 0;
    bool operator==(const Soa&) const = default;
};
struct Txt {
    std::vector<std::string> strings;  // each at most 255 octets (a <character-string>)
    bool operator==(const Txt&) const = default;
};
struct Srv {
    std::uint16_t priority = 0, weight = 0, port = 0;
    Name target;
    bool operator==(const Srv&) const = default;
};
struct Caa {
    std::uint8_t flags = 0;  // bit 7: issuer critical
    std::string tag;         // 1-15 ASCII letters and digits
    std::string value;
    bool operator==(const Caa&) const = default;
};
struct Unknown {
    std::vector<std::uint8_t> bytes;
    bool operator==(const Unknown&) const = default;
};

using Rdata = std::variant<A, Aaaa, Ns, Cname, Ptr, Mx, Soa, Txt, Srv, Caa, Unknown>;

// Decodes `length` octets at the reader's position (the reader sees the message before them,
// for compression pointers). Empty RDATA, and A/AAAA/SRV outside class IN, stay Unknown.
core::Result<Rdata, DecodeError> decode_rdata(RrType type, RrClass klass, core::WireReader& reader, std::size_t length,
                                              const DecodeLimits& limits);
// Appends the RDATA (not its length); compresses only NS, CNAME, PTR, MX, SOA (RFC 3597 §4).
// All or nothing: false, with nothing written, if it does not fit.
bool encode_rdata(const Rdata& data, core::WireWriter& out, NameCompressor* names);
// Zone-file presentation form, e.g. "10 mail.example.com." or "\# 2 abcd".
std::string to_text(const Rdata& data);
// The type a typed alternative belongs to; nullopt for Unknown.
std::optional<RrType> type_of(const Rdata& data);

}  // namespace layer7::dns
