// The authoritative server's Handler (dns/transport/handler.hpp): zones answer, always at once.
// Over UDP a worker's own handler holds its replies (HeldAnswers), so a repeated question costs a
// hash and a copy; over TCP one handler serves every connection and also streams zone transfers.
// UPDATE, NOTIFY and signed queries go to the slow path (control.hpp).
#pragma once

#include <optional>

#include "dns/authority/answer.hpp"
#include "dns/server/zone_store.hpp"
#include "dns/transport/acl.hpp"
#include "dns/transport/handler.hpp"

namespace layer7::dns {

class Control;  // control.hpp

struct AuthorityOptions {
    AnswerOptions answer;
    Control* control = nullptr;  // the slow path: UPDATE, NOTIFY, transfers, signed queries; null: none
    Acl query_acl;               // who may query; empty: everybody
    Acl axfr_allow;              // who may transfer zones; empty: nobody (REFUSED)
};

class AuthorityHandler final : public Handler {
public:
    // `hold_answers`: for one UDP worker's loop (its replies are cached without a lock).
    AuthorityHandler(const ZoneStore& zones, const AuthorityOptions& options, bool hold_answers);

    bool allows(const Client& client) const override { return options_.query_acl.allows(client.address()); }
    Served serve(const Query& query, Reply& reply) override;

private:
    void serve_udp(const Query& query, std::vector<std::uint8_t>& reply);
    void serve_tcp(const Query& query, Reply& reply);

    const ZoneStore& zones_;
    const AuthorityOptions& options_;
    std::optional<HeldAnswers> held_;
};

}  // namespace layer7::dns
