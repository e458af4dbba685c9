// The resolver server's pure edges: what to do with a client's datagram (vet, decode, ACL,
// opcode) and how a resolved answer becomes the reply (id, the client's question with its case,
// RD/CD copied, RA set, EDNS, truncation to the client's size).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "dns/wire/message.hpp"

namespace layer7::dns::resolver {

enum class Intake {
    drop,       // not worth an answer: shorter than a header, or a response (could loop)
    reply_now,  // `wire` holds an error reply (FORMERR, NOTIMP, REFUSED, BADVERS)
    resolve,    // `query` is a well-formed question from an allowed client
};

struct Incoming {
    Intake action = Intake::drop;
    Message query;
    std::vector<std::uint8_t> wire;
};

// `allowed`: the client passed the ACL (otherwise REFUSED, RFC 5358 §4).
Incoming take_query(std::span<const std::uint8_t> wire, bool allowed);
// `answer` is what the Resolver returned; `max_size` the client's UDP size (or 65535 over TCP).
std::vector<std::uint8_t> make_reply(const Message& query, const Message& answer, std::size_t max_size);
// Header + question with `rcode` (SERVFAIL when resolution failed).
std::vector<std::uint8_t> make_error(const Message& query, Rcode rcode);
// An OPT record advertising `udp_size` (RFC 6891 §6.1.2).
Edns edns_of(std::uint16_t udp_size, std::uint8_t version = 0);
// The client's EDNS size within [512, 4096], or 512 without EDNS (RFC 6891 §6.2.5).
std::size_t reply_size(const Message& query);

}  // namespace layer7::dns::resolver
