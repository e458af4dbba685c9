// `layer7 dig` arguments, read in any order as dig reads them: NAME, TYPE, @SERVER[:PORT], +flags,
// -p PORT, -x ADDR, --root-hints FILE. Pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "dns/wire/types.hpp"

namespace layer7::dns {

struct DigOptions {
    std::string name = ".";
    RrType type = RrType::a;
    bool type_given = false;
    std::string server;                 // empty: the first nameserver in /etc/resolv.conf
    std::optional<std::uint16_t> port;  // default 53
    bool tcp = false;                   // +tcp / +vc; AXFR and IXFR always use TCP
    bool recurse = true;                // +norec clears RD
    bool trace = false;                 // +trace: iterate from the root hints
    bool edns = true;                   // +noedns
    std::uint16_t bufsize = 1232;       // +bufsize=N (dig's default since 9.16)
    bool dnssec = false;                // +dnssec: the DO bit
    bool short_form = false;            // +short: the answer's RDATA only
    bool ignore_tc = false;             // +ignore: do not retry over TCP on TC
    std::chrono::seconds timeout{5};    // +time=N, per try
    int tries = 3;                      // +tries=N / +retry=N (tries = retry + 1)
    std::string root_hints;             // --root-hints FILE for +trace
};

// The error is a one-line message for the user.
core::Result<DigOptions, std::string> parse_dig_args(const std::vector<std::string>& args);

// dig -x: the PTR owner name of an IPv4 (RFC 1035 §3.5, "4.3.2.1.in-addr.arpa.") or IPv6 address
// (RFC 3596 §2.5, 32 nibbles under ip6.arpa.); nullopt if `address` is neither.
std::optional<std::string> reverse_name(std::string_view address);

// The "; <<>> layer7 dig <<>> …" banner's argument echo.
std::string command_line(const std::vector<std::string>& args);

}  // namespace layer7::dns
