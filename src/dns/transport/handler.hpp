// The DNS application interface: whoever answers queries — the authority, the resolver — is a
// Handler that the one UDP/TCP shell (shell.hpp) serves, in the shape of miekg/dns's
// Handler.ServeDNS. serve() is synchronous, so a UDP batch is answered without a coroutine per
// query (the authority always answers so, the resolver from its caches); a query that must wait
// on the network (the resolver going upstream) says so and gets its coroutine, serve_later().
#pragma once

#include "core/net/asio.hpp"
#include "dns/transport/query.hpp"

namespace layer7::dns {

enum class Served {
    now,    // the answer is in the Reply (or there is none)
    later,  // call serve_later() for it
};

class Handler {
public:
    virtual ~Handler() = default;
    // The ACL hook: asked once per datagram and once per TCP connection, before any cache
    // (RFC 5358 §4: a cache answers no more clients than the resolver does).
    virtual bool allows(const Client& client) const = 0;
    virtual Served serve(const Query& query, Reply& reply) = 0;
    // The answer to a query serve() left for later, into `reply` (empty: none). Over UDP it runs
    // in a coroutine of its own, after the batch; over TCP the connection waits for it, so
    // answers keep the order of their queries.
    virtual core::awaitable<void> serve_later(const Query& query, Reply& reply);
};

}  // namespace layer7::dns
