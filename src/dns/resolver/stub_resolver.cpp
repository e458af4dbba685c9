// StubResolver: see stub_resolver.hpp.
#include "dns/resolver/stub_resolver.hpp"

#include <fmt/format.h>

#include "core/trace/trace.hpp"
#include "dns/client/transport.hpp"
#include "dns/resolver/reply.hpp"
#include "dns/resolver/upstream.hpp"

namespace layer7::dns::resolver {

StubResolver::StubResolver(asio::ip::udp::endpoint server, StubOptions options)
    : server_(std::move(server)), options_(options)
{
}

core::awaitable<core::Result<Message, ResolveError>> StubResolver::resolve(Name name, RrType type)
{
    Message query;
    query.id = static_cast<std::uint16_t>(random_u32());  // unguessable (RFC 5452 §4)
    query.flags.rd = true;
    query.questions.push_back(Question{std::move(name), type, RrClass::in});
    query.edns = edns_of(options_.edns_size);
    ExchangeOptions exchange_options;
    exchange_options.timeout = options_.timeout;
    exchange_options.tries = options_.tries;

    auto& trace = core::Trace::instance();
    const auto id = trace.enabled() ? core::Trace::next_id() : 0;
    const std::string server = from_endpoint(server_.address(), server_.port()).to_text();
    if (trace.enabled())
        trace.line(id, core::Speaker::client,
                   fmt::format("@{} {} {}", server, query.questions[0].name.to_text(), to_text(type)));
    const asio::ip::address address = server_.address();
    const dns::Exchange x = co_await dns::exchange(address, server_.port(), query, exchange_options);
    if (!x.error.empty()) {
        if (trace.enabled())
            trace.line(id, core::Speaker::server, fmt::format("@{} {}", server, x.error));
        co_return core::fail(x.error == "timed out" ? ResolveError::timed_out : ResolveError::servers_failed);
    }
    if (trace.enabled())
        trace.line(id, core::Speaker::server,
                   fmt::format("@{} {} {} answer(s)", server, to_text(x.reply.rcode), x.reply.answers.size()));
    if (x.reply.rcode != Rcode::no_error && x.reply.rcode != Rcode::nx_domain)
        co_return core::fail(ResolveError::servers_failed);
    co_return x.reply;
}

}  // namespace layer7::dns::resolver
