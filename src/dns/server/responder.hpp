// The server's pure core: raw query bytes in, raw reply bytes out (or nothing). Vets the fixed
// header cheaply before a full decode (as miekg/dns acceptfunc.go), answers FORMERR with the
// query's id when the rest does not decode, and never answers a response or headerless garbage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dns/authority/answer.hpp"
#include "dns/transport/query.hpp"

namespace layer7::dns {

enum class Vetting {
    accept,    // worth a full decode
    control,   // UPDATE or NOTIFY: for the slow path (control.hpp) when the server has one
    not_imp,   // another opcode than QUERY, UPDATE or NOTIFY, whatever its counts: NOTIMP (RFC 1035 §4.1.1)
    form_err,  // a QUERY with counts no query can have: FORMERR
    drop,      // shorter than a header, or a response (QR=1): answering could loop or reflect
};

// Only the 12-octet header is read.
Vetting vet_query(std::span<const std::uint8_t> wire);
// A header-only reply to `wire`'s header: id and opcode copied, QR set, `rcode`; RD copied only
// for QUERY, the one opcode it means something for (RFC 1035 §4.1.1).
std::vector<std::uint8_t> header_reply(const Header& query, Rcode rcode);

struct Handled {
    std::optional<Message> query;     // when it decoded
    std::optional<Message> response;  // when answer() ran
    std::vector<std::uint8_t> wire;   // empty: send nothing
    bool control = false;             // UPDATE, NOTIFY or a signed query: for the slow path, no wire
    // AXFR, or IXFR answered as one (RFC 1995 §4): on TCP both go through axfr().
    bool is_transfer() const
    {
        return query && query->questions.size() == 1 &&
               (query->questions[0].type == RrType::axfr || query->questions[0].type == RrType::ixfr);
    }
};

// UDP: the reply fits the client's size (TC when it did not); TCP: up to 65535 octets. With
// `control`, UPDATE, NOTIFY and TSIG-signed queries are left for the slow path (Handled::control);
// without, UPDATE and NOTIFY get NOTIMP and a TSIG is ignored.
Handled handle_query(std::span<const std::uint8_t> wire, const ZoneSet& zones, Transport transport,
                     const AnswerOptions& options = {}, bool control = false);

}  // namespace layer7::dns
