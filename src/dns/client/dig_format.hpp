// dig's presentation of queries, replies and +trace steps, and the pure pieces of iteration:
// building a query, reading root hints, picking the next servers from a referral. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dns/client/dig_options.hpp"
#include "dns/wire/message.hpp"

namespace layer7::dns {

// The query dig would send: RD per options, EDNS with bufsize (and DO) unless +noedns.
Message make_query(const Name &name, RrType type, std::uint16_t id, const DigOptions &options);

// True if `reply` answers `query`: same id and the same question (names compared without case,
// so 0x20 mixed case passes). A reply that fails this is ignored (RFC 5452 §9.1).
bool matches(const Message &query, const Message &reply);

struct ReplyInfo {
    std::string server;        // "127.0.0.1"
    std::uint16_t port = 53;
    bool tcp = false;
    long elapsed_ms = 0;
    std::size_t size = 0;      // octets received
    std::string when;          // date line, from the shell
};

// Everything after the banner: ";; Got answer:", header, sections, ";; Query time", ";; SERVER:"…
std::string format_reply(const Message &reply, const ReplyInfo &info);
// +short: one RDATA per answer line.
std::string format_short(const Message &reply);

// A name server and the addresses we know for it.
struct ServerAddress {
    Name name;
    std::vector<std::string> addresses;  // textual IPv4/IPv6
};

// Root hints in zone-file form (". NS a.root-servers.net." + address records); the error says why.
core::Result<std::vector<ServerAddress>, std::string> parse_root_hints(std::string_view text);

enum class StepKind {
    answer,    // the reply answers (or denies) the question: iteration ends
    referral,  // NS records for a zone closer to the name: ask them next
    lame,      // neither: try another server
};

struct Step {
    StepKind kind = StepKind::lame;
    Name zone;                        // for a referral, the delegated zone
    std::vector<ServerAddress> next;  // for a referral, its servers (addresses from glue, may be empty)
};

// Classifies a reply to `qname` from a server for `current_zone`. A referral must move down, towards
// qname (a referral up or sideways is lame: it would loop).
Step classify(const Message &reply, const Name &qname, const Name &current_zone);

// The records dig +trace prints for a step (answer and authority sections), then
// ";; Received N bytes from ADDR#PORT(NAME) in T ms".
std::string format_trace_step(const Message &reply, const std::string &address, std::uint16_t port,
                              const std::string &server_name, std::size_t size, long elapsed_ms);

}  // namespace layer7::dns
