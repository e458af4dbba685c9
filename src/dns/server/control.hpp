// The authoritative server's slow path: what server.cpp's fast path hands over instead of
// answering — UPDATE (RFC 2136) and NOTIFY (RFC 1996) messages, zone transfers (their access rules
// and their log lines), and queries signed with TSIG (RFC 8945), whose replies are signed back.
// Runs on the worker that received the message; an UPDATE waits there for its journal's fsync.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "dns/authority/update.hpp"
#include "dns/server/responder.hpp"
#include "dns/server/zone_keeper.hpp"
#include "dns/transport/acl.hpp"
#include "dns/tsig/tsig.hpp"

namespace layer7::dns {

struct ControlOptions {
    std::vector<TsigKey> keys;
    std::map<Name, std::vector<UpdateGrant>, CanonicalLess> grants;  // the zones that take UPDATE, and from whom
    Acl transfer_acl;                                                // who may AXFR/IXFR; empty: nobody
    std::optional<Name> transfer_key;  // when set, transfers must also be signed with this key
    AnswerOptions answer;
};

class Control {
public:
    Control(ZoneStore& zones, ZoneKeeper& keeper, ControlOptions options)
        : zones_(zones), keeper_(keeper), options_(std::move(options))
    {
    }

    // The replies to one message (a transfer is many messages); none: send nothing. `address` is
    // the sender's, 4 or 16 octets.
    std::vector<std::vector<std::uint8_t>> handle(std::span<const std::uint8_t> wire,
                                                  std::span<const std::uint8_t> address, Transport transport);

private:
    struct Request;  // control.cpp
    Message update(const Request& request);
    Message notify(const Request& request);
    std::vector<Message> transfer(const Request& request);

    ZoneStore& zones_;
    ZoneKeeper& keeper_;
    const ControlOptions options_;
};

}  // namespace layer7::dns
