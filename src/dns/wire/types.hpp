// RR types, classes, opcodes and rcodes with their mnemonics (RFC 1035 §3.2, 3596, 2782, 6891,
// 8659) and the generic TYPEnnn / CLASSnnn forms of RFC 3597 §5.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::dns {

enum class RrType : std::uint16_t {
    a = 1,
    ns = 2,
    cname = 5,
    soa = 6,
    ptr = 12,
    hinfo = 13,
    mx = 15,
    txt = 16,
    aaaa = 28,
    srv = 33,
    opt = 41,
    ixfr = 251,
    axfr = 252,
    any = 255,
    caa = 257,
};
enum class RrClass : std::uint16_t { in = 1, ch = 3, hs = 4, none = 254, any = 255 };
enum class Opcode : std::uint8_t { query = 0, iquery = 1, status = 2, notify = 4, update = 5 };
enum class Rcode : std::uint16_t {
    no_error = 0,
    form_err = 1,
    serv_fail = 2,
    nx_domain = 3,
    not_imp = 4,
    refused = 5,
    yx_domain = 6,
    yx_rrset = 7,
    nx_rrset = 8,
    not_auth = 9,
    not_zone = 10,
    bad_vers = 16,
};

std::string to_text(RrType type);    // "AAAA", or "TYPE65280"
std::string to_text(RrClass klass);  // "IN", or "CLASS42"
std::string to_text(Opcode opcode);  // "QUERY", or "RESERVED3" as dig prints it
std::string to_text(Rcode rcode);    // "NXDOMAIN", or "RCODE12"
// Case-insensitive mnemonic or generic form; nullopt if neither.
std::optional<RrType> parse_type(std::string_view text);
std::optional<RrClass> parse_class(std::string_view text);

}  // namespace layer7::dns
