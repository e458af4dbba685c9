// Message: a DNS message (RFC 1035 §4.1) with EDNS (RFC 6891) lifted out of the additional
// section; decode() with limits, peek_header() for FORMERR replies, encode() with compression
// and truncation by whole RRsets (RFC 2181 §9), to_text() in dig's layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "dns/wire/decode_error.hpp"
#include "dns/wire/name.hpp"
#include "dns/wire/rdata.hpp"
#include "dns/wire/types.hpp"

namespace layer7::dns {

struct Flags {
    bool qr = false;
    Opcode opcode = Opcode::query;
    bool aa = false, tc = false, rd = false, ra = false, ad = false, cd = false;
    bool operator==(const Flags&) const = default;
};

struct Header {
    std::uint16_t id = 0;
    Flags flags;
    std::uint8_t rcode = 0;  // the 4 header bits only
    std::uint16_t qdcount = 0, ancount = 0, nscount = 0, arcount = 0;
};

struct Question {
    Name name;
    RrType type = RrType::a;
    RrClass klass = RrClass::in;
    bool operator==(const Question&) const = default;
};

struct Record {
    Name owner;
    RrType type = RrType::a;
    RrClass klass = RrClass::in;
    std::uint32_t ttl = 0;
    Rdata data;
    bool operator==(const Record&) const = default;
};

struct EdnsOption {
    std::uint16_t code = 0;
    std::vector<std::uint8_t> data;
    bool operator==(const EdnsOption&) const = default;
};

struct Edns {
    std::uint16_t udp_size = 1232;  // DNS flag day 2020: avoids IP fragmentation
    std::uint8_t version = 0;
    bool do_bit = false;
    std::vector<EdnsOption> options;
    bool operator==(const Edns&) const = default;
};

struct Message {
    std::uint16_t id = 0;
    Flags flags;
    Rcode rcode = Rcode::no_error;  // 12 bits: header + OPT extended rcode (RFC 6891 §6.1.3)
    std::vector<Question> questions;
    std::vector<Record> answers, authority, additional;
    std::optional<Edns> edns;
    bool operator==(const Message&) const = default;
};

inline constexpr std::size_t max_message_size = 65535;  // TCP length prefix (RFC 1035 §4.2.2)

// Never reads outside `wire`; never throws.
core::Result<Message, DecodeError> decode(std::span<const std::uint8_t> wire, const DecodeLimits& limits = {});
core::Result<Message, DecodeError> decode(std::span<const std::byte> wire, const DecodeLimits& limits = {});
// The fixed 12-octet header, enough to answer FORMERR with the query's id when decode() fails.
std::optional<Header> peek_header(std::span<const std::uint8_t> wire);
// Compresses names (case-sensitively, so case is kept). Over max_size it drops whole RRsets from
// the end (additional, then authority, then answer), setting TC when answer or authority data
// was lost; the OPT record is always kept.
std::vector<std::uint8_t> encode(const Message& message, std::size_t max_size = max_message_size);
// dig-style text: ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 1", sections, records.
std::string to_text(const Message& message);
std::string to_text(const Record& record);  // one zone-file line, tab-separated
// One line each for --trace: "1234 A www.crepes.fr. +rd" and "NOERROR aa 1 answer".
std::string query_summary(const Message& query);
std::string reply_summary(const Message& reply);

}  // namespace layer7::dns
