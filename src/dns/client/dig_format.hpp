// dig's presentation of queries, replies and +trace steps, and the pure pieces of iteration:
// building a query, reading root hints, picking the next servers from a referral. Pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dns/client/dig_options.hpp"
#include "dns/wire/message.hpp"

namespace layer7::dns {

// The query dig would send: RD per options, EDNS with bufsize (and DO) unless +noedns.
Message make_query(const Name& name, RrType type, std::uint16_t id, const DigOptions& options);

// True if `reply` answers `query`: same id and the same question (names compared without case,
// so 0x20 mixed case passes). A reply that fails this is ignored (RFC 5452 §9.1).
bool matches(const Message& query, const Message& reply);

struct ReplyInfo {
    std::string server;  // "127.0.0.1"
    std::uint16_t port = 53;
    bool tcp = false;
    long elapsed_ms = 0;
    std::size_t size = 0;  // octets received
    std::string when;      // date line, from the shell
};

// Everything after the banner: ";; Got answer:", header, sections, ";; Query time", ";; SERVER:"…
std::string format_reply(const Message& reply, const ReplyInfo& info);
// +short: one RDATA per answer line.
std::string format_short(const Message& reply);
// An AXFR/IXFR as dig prints it: the records, then the footer with ";; XFR size: N records
// (messages M, bytes B)"; "; Transfer failed." when the server said no.
std::string format_transfer(const Message& reply, const ReplyInfo& info, std::size_t messages);

// Tells when a zone transfer's last message has come (a transfer is many messages on one TCP
// connection). AXFR-style: when the first SOA's serial comes round again (RFC 5936 §2.2); an
// incremental IXFR (its second record an older SOA) when the new serial comes a third time; an
// IXFR answered with the SOA alone at once (RFC 1995 §4: the client is current).
class TransferEnd {
public:
    explicit TransferEnd(RrType type) : ixfr_(type == RrType::ixfr) {}
    // One message's answer records, in order; true once the transfer is complete (or cannot be one:
    // a first record that is not a SOA).
    bool add(const std::vector<Record>& records);

private:
    bool ixfr_;
    std::optional<std::uint32_t> serial_;  // the first SOA's
    std::size_t records_ = 0;
    std::size_t messages_ = 0;
    int seen_ = 0;    // records with the first serial so far
    int needed_ = 2;  // 3 for an incremental IXFR
};

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
Step classify(const Message& reply, const Name& qname, const Name& current_zone);

// The records dig +trace prints for a step (answer and authority sections), then
// ";; Received N bytes from ADDR#PORT(NAME) in T ms".
std::string format_trace_step(const Message& reply, const std::string& address, std::uint16_t port,
                              const std::string& server_name, std::size_t size, long elapsed_ms);

}  // namespace layer7::dns
