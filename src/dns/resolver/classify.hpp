// classify(): what an upstream response means for the question we asked the servers of `zone`
// (RFC 1034 §5.3.3 step 4, RFC 2308 §2): an answer, a CNAME to follow, NXDOMAIN, NODATA, a
// referral down the tree, or a lame/bogus reply. Records outside `zone` (the bailiwick of the
// server asked) are dropped first, so a server can only speak for its own part of the tree.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "dns/wire/message.hpp"

namespace layer7::dns::resolver {

enum class ResponseKind {
    answer,     // `answer` holds the RRset of (final name, type)
    cname,      // the chain leaves this response at `target`: resolve it afresh
    nx_domain,  // the final name does not exist
    no_data,    // the final name exists, without that type
    referral,   // ask the servers of `cut` (a zone strictly below `zone`) next
    lame,       // error rcode, sideways/upward referral, or nothing useful: try another server
};

struct Classified {
    ResponseKind kind = ResponseKind::lame;
    std::vector<Record> chain;         // CNAMEs from the question name on, in order
    std::vector<Record> answer;        // kind answer
    Name target;                       // the name the chain ends at (the question name without CNAMEs)
    std::optional<Record> soa;         // negative kinds, when the server sent one (RFC 2308 §3)
    Name cut;                          // kind referral: the child zone
    std::vector<Record> ns;            // kind referral: its NS RRset
    std::vector<Record> glue;          // kind referral: A/AAAA of NS hosts, inside `zone`
    bool authoritative = false;        // the AA bit
    std::size_t out_of_bailiwick = 0;  // records dropped because they are outside `zone`
};

struct ClassifyLimits {
    std::size_t max_chain = 8;  // CNAMEs followed inside one response
};

// `response` has already been matched to the query (id, question, source address).
Classified classify(const Message& response, const Question& question, const Name& zone,
                    const ClassifyLimits& limits = {});

// Anti-spoofing (RFC 5452 §9.1): a response counts only if it is one (QR), has the query's id
// and repeats its question (name compared without case, RFC 4343). The shell also checks the
// source address and port.
bool answers_query(const Message& query, const Message& response);

// Splits records into RRsets (same owner, type, class), keeping the first-seen order.
std::vector<std::vector<Record>> group_rrsets(const std::vector<Record>& records);

}  // namespace layer7::dns::resolver
