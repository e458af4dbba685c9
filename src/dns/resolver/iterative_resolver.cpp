// IterativeResolver: drives ResolutionMachine over upstream exchanges; --trace shows each step
// as the textbook's iterated-query figure: which server was asked what, and what it said.
#include "dns/resolver/iterative_resolver.hpp"

#include <fmt/format.h>

#include "core/trace/trace.hpp"
#include "dns/resolver/reply.hpp"
#include "dns/resolver/upstream.hpp"

namespace layer7::dns::resolver {
namespace {

using Clock = std::chrono::steady_clock;

std::string_view kind_text(std::optional<ResponseKind> kind)
{
    if (!kind)
        return "no reply";
    switch (*kind) {
    case ResponseKind::answer: return "answer";
    case ResponseKind::cname: return "CNAME";
    case ResponseKind::nx_domain: return "NXDOMAIN";
    case ResponseKind::no_data: return "NODATA";
    case ResponseKind::referral: return "referral";
    case ResponseKind::lame: return "lame";
    }
    return "?";
}

}  // namespace

IterativeResolver::IterativeResolver(ResolverOptions options) : options_(std::move(options)), cache_(options_.cache) {}

Message IterativeResolver::to_message(const Question& question, Outcome outcome) const
{
    Message m;
    m.flags.qr = true;
    m.flags.rd = true;
    m.flags.ra = true;
    m.rcode = outcome.rcode;
    m.questions.push_back(question);
    m.answers = std::move(outcome.answers);
    m.authority = std::move(outcome.authority);
    return m;
}

std::optional<Message> IterativeResolver::cached(const Question& question)
{
    ResolutionMachine machine(question, cache_, options_.iteration);
    Step step = machine.start(Clock::now());
    if (step.kind != Step::Kind::done)
        return std::nullopt;
    return to_message(question, std::move(step.outcome));
}

core::awaitable<core::Result<Message, ResolveError>> IterativeResolver::resolve(Name name, RrType type)
{
    const Question question{std::move(name), type, RrClass::in};
    ResolutionMachine machine(question, cache_, options_.iteration);
    const auto start = Clock::now();
    const auto deadline = start + options_.total_timeout;
    auto& trace = core::Trace::instance();
    const auto id = trace.enabled() ? core::Trace::next_id() : 0;

    Step step = machine.start(start);
    while (step.kind == Step::Kind::send) {
        const auto now = Clock::now();
        if (now >= deadline)
            co_return core::fail(ResolveError::timed_out);
        const ServerAddress server = rtt_.pick(step.servers, random_u32());
        Message query;
        query.id = static_cast<std::uint16_t>(random_u32());
        query.flags.rd = false;  // iterative: we do the work (RFC 1034 §5.3.1)
        query.questions.push_back(step.question);
        query.edns = edns_of(options_.edns_size);
        auto budget =
            std::min(options_.query_timeout, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
        if (trace.enabled())
            trace.line(id, core::Speaker::client,
                       fmt::format("@{} ({}) {} {}", server.to_text(), step.zone.to_text(),
                                   step.question.name.to_text(), to_text(step.question.type)));
        Exchange ex = co_await exchange_udp(query, server, budget, options_.edns_size);
        if (!ex.error && ex.response.flags.tc) {
            // RFC 7766 §5: a truncated reply is asked again over TCP.
            budget = std::min(options_.query_timeout,
                              std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
            auto mismatched = ex.mismatched;
            ex = co_await exchange_tcp(query, server, std::max(budget, std::chrono::milliseconds(1)));
            ex.mismatched += mismatched;
        }
        if (ex.mismatched && trace.enabled())
            trace.note(id, fmt::format("ignored {} reply(ies) with a wrong id or question", ex.mismatched));
        if (ex.error) {
            rtt_.on_timeout(server, options_.query_timeout);
            step = machine.on_timeout(server, Clock::now());
            if (trace.enabled())
                trace.line(id, core::Speaker::server, fmt::format("@{} {}", server.to_text(), ex.error.message()));
            continue;
        }
        rtt_.on_reply(server, ex.rtt);
        step = machine.on_response(ex.response, server, Clock::now());
        if (trace.enabled())
            trace.line(
                id, core::Speaker::server,
                fmt::format("@{} {} {}{}", server.to_text(), to_text(ex.response.rcode), kind_text(machine.last_kind()),
                            machine.last_dropped()
                                ? fmt::format(" (dropped {} out-of-bailiwick)", machine.last_dropped())
                                : ""));
    }
    if (step.kind == Step::Kind::fail)
        co_return core::fail(step.error);
    co_return to_message(question, std::move(step.outcome));
}

}  // namespace layer7::dns::resolver
