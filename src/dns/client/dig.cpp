// `layer7 dig`: see dig.hpp. The pure parts live in dig_options and dig_format; this file reads
// files, picks servers and runs the exchanges.
#include "dns/client/dig.hpp"

#include <ctime>
#include <fstream>

#include "core/config/config.hpp"
#include "core/net/resolve.hpp"
#include "dns/client/dig_format.hpp"
#include "dns/client/dig_options.hpp"
#include "dns/client/resolv_conf.hpp"
#include "dns/client/transport.hpp"

namespace layer7::dns {

namespace {

constexpr int max_trace_steps = 30;    // referrals followed before giving up (a loop or a very deep tree)
constexpr int max_glueless_depth = 3;  // nested look-ups of name-server addresses

std::string now_text()
{
    std::time_t t = std::time(nullptr);
    char buf[64];
    std::strftime(buf, sizeof buf, "%a %b %d %H:%M:%S %Z %Y", std::localtime(&t));
    return buf;
}

std::string default_server()
{
    std::ifstream in("/etc/resolv.conf");
    return first_nameserver(in).value_or("127.0.0.1");  // resolv.conf(5): none listed = this machine
}

ExchangeOptions exchange_options(const DigOptions& o)
{
    return {.tcp = o.tcp,
            .retry_tcp_on_tc = !o.ignore_tc,
            .timeout = o.timeout,
            .tries = o.tries,
            .transfer = o.type == RrType::axfr || o.type == RrType::ixfr};
}

template <typename T>
T run(asio::io_context& io, core::awaitable<T> task)
{
    std::optional<T> result;
    asio::co_spawn(
        io, [&]() -> core::awaitable<void> { result = co_await std::move(task); }, asio::detached);
    io.restart();
    io.run();
    return std::move(*result);
}

class Tracer {
public:
    Tracer(asio::io_context& io, const DigOptions& o, std::vector<ServerAddress> roots, std::ostream& out)
        : io_(io), options_(o), roots_(std::move(roots)), out_(out)
    {
    }

    // Iterates from the roots; prints each step unless quiet. Returns the final reply, if any.
    std::optional<Message> iterate(const Name& qname, RrType type, bool quiet, int depth)
    {
        Name zone = Name::root();
        std::vector<ServerAddress> servers = roots_;
        for (int step = 0; step < max_trace_steps; ++step) {
            bool progressed = false;
            for (auto& server : servers) {
                if (server.addresses.empty() && depth < max_glueless_depth)
                    server.addresses = lookup_addresses(server.name, depth + 1);
                for (auto& address : server.addresses) {
                    std::error_code ec;
                    auto ip = asio::ip::make_address(address, ec);
                    if (ec)
                        continue;
                    DigOptions o = options_;
                    o.recurse = false;
                    Message query = make_query(qname, type, random_id(), o);
                    Exchange x = run(io_, exchange(ip, options_.port.value_or(53), query, exchange_options(o)));
                    if (!x.error.empty()) {
                        if (!quiet)
                            out_ << ";; communications error to " << address << "#" << options_.port.value_or(53)
                                 << ": " << x.error << "\n";
                        continue;
                    }
                    Step next = classify(x.reply, qname, zone);
                    if (!quiet)
                        out_ << format_trace_step(x.reply, address, options_.port.value_or(53), server.name.to_text(),
                                                  x.size, x.elapsed_ms);
                    if (next.kind == StepKind::answer)
                        return x.reply;
                    if (next.kind == StepKind::referral) {
                        zone = next.zone;
                        servers = next.next;
                        progressed = true;
                        break;
                    }
                }
                if (progressed)
                    break;
            }
            if (!progressed)
                return std::nullopt;
        }
        return std::nullopt;
    }

private:
    std::vector<std::string> lookup_addresses(const Name& name, int depth)
    {
        std::vector<std::string> out;
        for (RrType type : {RrType::a, RrType::aaaa}) {
            auto reply = iterate(name, type, true, depth);
            if (!reply)
                continue;
            for (auto& rr : reply->answers)
                if (rr.owner == name && (rr.type == RrType::a || rr.type == RrType::aaaa))
                    out.push_back(to_text(rr.data));
        }
        return out;
    }

    asio::io_context& io_;
    const DigOptions& options_;
    std::vector<ServerAddress> roots_;
    std::ostream& out_;
};

int trace(asio::io_context& io, const DigOptions& o, const Name& qname, std::ostream& out, std::ostream& err)
{
    const std::string file = o.root_hints.empty() ? system_root_hints : o.root_hints;
    auto text = core::read_text_file(file);
    if (!text) {
        err << "dig: cannot read root hints " << file << " (use --root-hints FILE)\n";
        return 10;
    }
    auto roots = parse_root_hints(*text);
    if (!roots.ok()) {
        err << "dig: " << file << ": " << roots.error() << "\n";
        return 10;
    }
    for (auto& s : roots.value())
        out << ".\t\t\t518400\tIN\tNS\t" << s.name.to_text() << "\n";
    out << ";; Received root hints from " << file << "\n\n";
    Tracer tracer(io, o, roots.value(), out);
    auto final = tracer.iterate(qname, o.type, false, 0);
    if (!final) {
        err << ";; no server could be reached or the delegation chain is broken\n";
        return 9;
    }
    return 0;
}

}  // namespace

int run_dig(const std::vector<std::string>& args, std::ostream& out, std::ostream& err)
{
    auto parsed = parse_dig_args(args);
    if (!parsed.ok()) {
        err << "dig: " << parsed.error() << "\n";
        return 1;
    }
    const DigOptions& o = parsed.value();
    auto qname = Name::parse(o.name);
    if (!qname.ok()) {
        err << "dig: '" << o.name << "' is not a legal name (" << to_string(qname.error()) << ")\n";
        return 1;
    }
    asio::io_context io;
    if (!o.short_form)
        out << "\n; <<>> layer7 dig <<>> " << command_line(args) << "\n;; global options: +cmd\n";
    if (o.trace)
        return trace(io, o, qname.value(), out, err);

    const std::string server = o.server.empty() ? default_server() : o.server;
    const std::uint16_t port = o.port.value_or(53);
    std::vector<asio::ip::address> addresses;
    if (auto literal = core::literal_address(server)) {
        addresses.push_back(*literal);
    } else {
        asio::ip::udp::resolver resolver(io);
        std::error_code ec;
        for (auto& entry : resolver.resolve(server, std::to_string(port), ec))
            addresses.push_back(entry.endpoint().address());
        if (addresses.empty()) {
            err << "dig: couldn't get address for '" << server << "': not found\n";
            return 10;
        }
    }
    Message query = make_query(qname.value(), o.type, random_id(), o);
    Exchange x;
    for (auto& address : addresses) {
        x = run(io, exchange(address, port, query, exchange_options(o)));
        if (x.truncated_first && !o.short_form)
            out << ";; Truncated, retrying in TCP mode.\n";
        if (x.error.empty()) {
            ReplyInfo info{.server = address.to_string(),
                           .port = port,
                           .tcp = x.tcp,
                           .elapsed_ms = x.elapsed_ms,
                           .size = x.size,
                           .when = now_text()};
            if (o.short_form)
                out << format_short(x.reply);
            else if (exchange_options(o).transfer)
                out << format_transfer(x.reply, info, x.messages) << "\n";
            else
                out << format_reply(x.reply, info) << "\n";
            return 0;
        }
        out << ";; communications error to " << address.to_string() << "#" << port << ": " << x.error << "\n";
    }
    out << ";; no servers could be reached\n";
    return 9;
}

}  // namespace layer7::dns
