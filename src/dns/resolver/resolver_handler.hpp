// The resolver's Handler (dns/transport/handler.hpp): a question answered a moment ago comes from
// the worker's ReplyCache (bytes, no decode), one the resolver's cache answers is encoded on the
// spot, and only misses wait, in serve_later(), while the IterativeResolver goes upstream.
#pragma once

#include <optional>

#include "dns/resolver/iterative_resolver.hpp"
#include "dns/resolver/reply_cache.hpp"
#include "dns/transport/acl.hpp"
#include "dns/transport/handler.hpp"

namespace layer7::dns::resolver {

class ResolverHandler final : public Handler {
public:
    // `hold_replies`: for one UDP worker's loop (its ReplyCache needs no lock).
    ResolverHandler(IterativeResolver& resolver, const Acl& acl, bool hold_replies);

    bool allows(const Client& client) const override;
    Served serve(const Query& query, Reply& reply) override;
    core::awaitable<void> serve_later(const Query& query, Reply& reply) override;

private:
    IterativeResolver& resolver_;
    const Acl& acl_;
    std::optional<ReplyCache> replies_;
};

}  // namespace layer7::dns::resolver
