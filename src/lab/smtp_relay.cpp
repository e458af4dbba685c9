// Experiment 7, `smtp-relay`: the textbook's §2.3 — Alice's user agent submits a message to her
// mail server (mail.crepes.fr), which finds Bob's server by the MX of hamburger.edu through the
// private DNS hierarchy and relays it there; Bob's user agent then fetches it with POP3. Each hop
// crosses an emulated link of its own; each hop's time is set against the round trips its
// dialogue costs.
#include <unistd.h>

#include <crypt.h>

#include <cstdio>
#include <filesystem>
#include <stdexcept>

#include "core/net/line_reader.hpp"
#include "core/net/stream.hpp"
#include "core/text/line_parser.hpp"
#include "core/users/users.hpp"
#include "dns/resolver/service.hpp"
#include "demo/hierarchy_service.hpp"
#include "lab/dns_summary.hpp"
#include "lab/experiment.hpp"
#include "lab/relay.hpp"
#include "lab/stats.hpp"
#include "lab/transcript.hpp"
#include "mail/mta/service.hpp"
#include "mail/pop3/response_codec.hpp"
#include "mail/pop3/service.hpp"
#include "mail/smtp/client.hpp"

namespace layer7::lab {

namespace {

using asio::ip::tcp;
using asio::ip::udp;
using core::use_tuple;

// The hierarchy's servers from here on (.2 … .9), the resolver on .1; mail.hamburger.edu (what
// the MX names) is the relay in front of Bob's server, on an address of its own.
constexpr const char* hierarchy_first = "127.0.58.2";
constexpr const char* resolver_address = "127.0.58.1";
constexpr std::uint16_t resolver_port = 5335;
constexpr const char* dns_relay_address = "127.0.59.3";  // Alice's server asks the resolver through it
constexpr const char* alice_mx = "127.0.59.1";           // mail.crepes.fr in the zones (not dialled)
constexpr const char* bob_mx = "127.0.59.2";             // mail.hamburger.edu in the zones
constexpr std::uint16_t mx_port = 2525;

// The textbook's dialogue (§2.3.1), sent by Alice's user agent.
constexpr const char* message_body =
    "From: alice@crepes.fr\r\n"
    "To: bob@hamburger.edu\r\n"
    "Subject: Searching for the meaning of life.\r\n"
    "\r\n"
    "Do you like ketchup?\r\n"
    "How about pickles?\r\n";

// The hops, with the round trips each dialogue costs as layer7's clients conduct it.
enum HopIndex { submit_hop, relay_hop, fetch_hop, hop_count };
struct Hop {
    const char* label;
    int round_trips;
};
// Submission: handshake and 220 (2), EHLO, AUTH PLAIN, MAIL+RCPT+DATA pipelined (RFC 2920) up to
// the 354, the content up to its 250, QUIT (5). Relay: the same without AUTH. POP3: handshake and
// greeting (2), USER, PASS, STAT, RETR, DELE, QUIT (6).
constexpr Hop hops[hop_count] = {
    {"1. Alice's agent to mail.crepes.fr (SMTP submission)", 7},
    {"2. mail.crepes.fr to mail.hamburger.edu (SMTP, found by MX)", 6},
    {"3. Bob's agent from mail.hamburger.edu (POP3)", 8},
};

// A users file line's hash: SHA-crypt at its fewest rounds, so that a login costs the servers well
// under a millisecond rather than yescrypt's tens (the lab measures the network, not the hash).
std::string cheap_hash(const std::string& password)
{
    crypt_data data{};
    const char* hash = crypt_rn(password.c_str(), "$6$rounds=1000$layer7lab$", &data, sizeof data);
    if (!hash || hash[0] == '*')
        throw core::StartError("crypt failed");
    return hash;
}

// Throws `what` unless `ok`.
void expect(bool ok, const std::string& what)
{
    if (!ok)
        throw std::runtime_error(what);
}

// Hop 1: the user agent's submission, through `relay`, as `layer7 mail send` makes it.
core::awaitable<void> submit(tcp::endpoint relay, const std::string& password)
{
    tcp::socket socket(co_await asio::this_coro::executor);
    auto [ec] = co_await socket.async_connect(relay, use_tuple);
    expect(!ec, "cannot connect to mail.crepes.fr's relay: " + ec.message());
    core::Stream stream(std::move(socket), core::Role::client);
    stream.set_timeout(std::chrono::seconds(30));
    mail::smtp::ClientOptions options;
    options.helo = "alice-pc.crepes.fr";
    options.tls = mail::smtp::TlsPolicy::never;
    options.user = "alice";
    options.password = password;
    const mail::smtp::Outgoing outgoing{"alice@crepes.fr", {"bob@hamburger.edu"}, message_body};
    mail::smtp::ClientSession session(options, outgoing);
    co_await mail::smtp::run_client(stream, session, nullptr, "mail.crepes.fr");
    co_await stream.shutdown();
    expect(session.all_sent(), "mail.crepes.fr did not take the message: " +
                                   (session.results().empty() ? std::string("no reply")
                                                              : std::to_string(session.results()[0].reply.code) + " " +
                                                                    session.results()[0].reply.text));
}

// Hop 3: Bob's user agent downloads and deletes the one message (RFC 1939's dialogue, by hand:
// `layer7 mail fetch` prints and stores, the lab needs neither).
core::awaitable<void> fetch(tcp::endpoint relay, const std::string& password)
{
    tcp::socket socket(co_await asio::this_coro::executor);
    auto [ec] = co_await socket.async_connect(relay, use_tuple);
    expect(!ec, "cannot connect to the POP3 server's relay: " + ec.message());
    core::Stream stream(std::move(socket), core::Role::client);
    stream.set_timeout(std::chrono::seconds(30));
    core::LineReader reader(stream, 1 << 16);
    auto status = [&](const std::string& what) -> core::awaitable<mail::pop3::Status> {
        const core::ReadLine line = co_await reader.read_line();
        expect(line.status == core::ReadStatus::line, "POP3: no reply to " + what);
        auto s = mail::pop3::parse_status(line.text);
        expect(s && s->ok, "POP3: " + what + " refused: " + std::string(line.text));
        co_return *s;
    };
    auto command = [&](const std::string& text) -> core::awaitable<mail::pop3::Status> {
        expect(!co_await stream.write(text + "\r\n"), "POP3: connection lost");
        co_return co_await status(text.substr(0, text.find(' ')));
    };
    co_await status("the greeting");
    co_await command("USER bob");
    co_await command("PASS " + password);
    const auto stat = mail::pop3::parse_scan((co_await command("STAT")).text);
    expect(stat && stat->number == 1, "POP3: Bob's mailbox does not hold one message");
    co_await command("RETR 1");
    std::string message;
    for (;;) {
        const core::ReadLine line = co_await reader.read_line();
        expect(line.status == core::ReadStatus::line, "POP3: RETR cut short");
        const core::DotLine dot = core::unstuff_dot(line.text);
        if (dot.end)
            break;
        message += std::string(dot.text) + "\r\n";
    }
    expect(message.find("Do you like ketchup?") != std::string::npos, "POP3: not Alice's message");
    co_await command("DELE 1");
    co_await command("QUIT");
    co_await stream.shutdown();
}

class SmtpRelay : public Experiment {
public:
    std::string_view name() const override { return "smtp-relay"; }
    std::string_view title() const override { return "Alice to Bob: each mail hop's transcript and time"; }

    void start(core::Runtime& servers, const Settings& s) override
    {
        if (::geteuid() != 0)
            throw core::StartError(
                "the DNS hierarchy that holds hamburger.edu's MX listens on port 53, which needs root");
        // The users both servers and POP3 read: alice@crepes.fr and bob@hamburger.edu.
        alice_password_ = "ketchup";
        bob_password_ = "pickles";
        core::Users users;
        users.set({"alice", cheap_hash(alice_password_), {{"domain", "crepes.fr"}}});
        users.set({"bob", cheap_hash(bob_password_), {{"domain", "hamburger.edu"}}});
        if (auto failed = users.save(s.work_dir + "/users"))
            throw core::StartError("cannot write the users file: " + *failed);

        demo::HierarchyConfig hierarchy;
        hierarchy.first_address = hierarchy_first;
        hierarchy.data_dir = s.work_dir;
        hierarchy.hosts.web = "127.0.0.1";
        hierarchy.hosts.alice_mail = alice_mx;
        hierarchy.hosts.bob_mail = bob_mx;
        hierarchy.on_serving = [this](const std::string& hints) { hints_ = hints; };
        start_service(servers, demo::make_hierarchy_service(hierarchy));
        if (hints_.empty())
            throw core::StartError("the DNS hierarchy did not start (port 53 taken on " + std::string(hierarchy_first) +
                                   "?)");

        dns::resolver::ResolverConfig resolver;
        resolver.listen = {resolver_address, resolver_port};
        resolver.tcp = false;
        resolver.use_hierarchy = true;
        resolver.private_root = [this] { return std::optional<std::string>(hints_); };
        start_service(servers, dns::resolver::make_resolver_service(resolver));

        auto mail_server = [&](const char* hostname, const char* domain) {
            mail::mta::Config c;
            c.listen = {"127.0.0.1", 0};
            c.hostname = hostname;
            c.domains = {domain};
            c.data_dir = s.work_dir;
            c.queue_dir = s.work_dir + "/queue-" + domain;
            c.tls = false;  // the transcripts stay readable; no STARTTLS round trip
            c.relay_tls = false;
            c.resolver = core::HostPort{dns_relay_address, 53};
            c.mx_port = mx_port;
            return c;
        };
        mail::mta::Config bob = mail_server("mail.hamburger.edu", "hamburger.edu");
        // Both servers and POP3 share one users file and mail root (the work dir's), as in `layer7 up`.
        auto system = std::make_shared<mail::System>(bob.users_path(), bob.mail_path());
        bob.submission.reset();
        bob_ = tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                             row_port(start_service(servers, mail::mta::make_service(bob, system)).at(0).address));
        mail::mta::Config alice = mail_server("mail.crepes.fr", "crepes.fr");
        alice.submission = core::HostPort{"127.0.0.1", 0};
        alice_ = tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                               row_port(start_service(servers, mail::mta::make_service(alice, system)).at(1).address));

        mail::pop3::Config pop3;
        pop3.listen = {"127.0.0.1", 0};
        pop3.data_dir = s.work_dir;
        pop3.domain = "hamburger.edu";
        pop3.tls = false;
        pop3_ = tcp::endpoint(asio::ip::make_address("127.0.0.1"),
                              row_port(start_service(servers, mail::pop3::make_service(pop3, system)).at(0).address));
        for (auto& [service, rows] : services_)
            service->on_started(rows);  // the SMTP servers' delivery agents start here
    }

    core::awaitable<Report> measure(asio::io_context& io, const Settings& s) override;

private:
    std::vector<core::ServiceRow> start_service(core::Runtime& servers, std::unique_ptr<core::Service> service)
    {
        auto rows = service->start(servers);
        services_.emplace_back(std::move(service), rows);
        return rows;
    }

    std::vector<std::pair<std::unique_ptr<core::Service>, std::vector<core::ServiceRow>>> services_;
    std::string hints_, alice_password_, bob_password_;
    tcp::endpoint alice_, bob_, pop3_;
};

core::awaitable<Report> SmtpRelay::measure(asio::io_context& io, const Settings& s)
{
    const double rate = s.rate_mbps.value_or(10), loss = s.loss.value_or(0);
    std::vector<double> rtts{10, 25, 50, 100};
    if (s.rtt_ms)
        rtts = {*s.rtt_ms};
    else if (s.quick)
        rtts = {25, 50};

    // A link per hop; the local DNS server is on Alice's LAN (a relay without delay, for the
    // transcript of the MX lookup).
    std::shared_ptr<Path> paths[hop_count];
    for (int i = 0; i < hop_count; ++i)
        paths[i] =
            std::make_shared<Path>(half_of(rtts.front(), rate * 1e6, loss), half_of(rtts.front(), rate * 1e6, loss),
                                   s.seed + 2 * static_cast<std::uint64_t>(i));
    auto dns_path = std::make_shared<Path>(half_of(0, 0, 0), half_of(0, 0, 0), s.seed + 10);
    TcpRelay submit_relay(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), alice_, paths[submit_hop]);
    TcpRelay mx_relay(io, tcp::endpoint(asio::ip::make_address(bob_mx), mx_port), bob_, paths[relay_hop]);
    TcpRelay pop3_relay(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0), pop3_, paths[fetch_hop]);
    UdpRelay dns_relay(io, udp::endpoint(asio::ip::make_address(dns_relay_address), 53),
                       udp::endpoint(asio::ip::make_address(resolver_address), resolver_port), dns_path);

    // Hop 2 is Alice's server's doing: the relay tells when it opens and when Bob's server says 221.
    Time relay_opened{}, relay_done{};
    asio::steady_timer relayed(io);
    paths[relay_hop]->opened = [&](Time at, std::uint64_t) { relay_opened = at; };
    auto watch_relay = [&](Time at, bool from_client, std::string_view bytes) {
        if (!from_client && (bytes.starts_with("221 ") || bytes.find("\n221 ") != std::string_view::npos)) {
            relay_done = at;
            relayed.cancel();
        }
    };

    // One message from Alice to Bob: the three hops' times, and how long it sat in Alice's queue
    // (the MX lookup included).
    struct Times {
        double hop[hop_count];
        double queued;
    };
    auto deliver = [&]() -> core::awaitable<Times> {
        Times t{};
        relay_opened = relay_done = Time{};
        Time submitted{};
        paths[submit_hop]->tap = [&, tap = paths[submit_hop]->tap](Time at, std::uint64_t n, bool from_client,
                                                                   std::string_view bytes) {
            // Queued when the server sent its 250, half a round trip before it arrived here.
            if (!from_client && bytes.starts_with("250 ") && submitted == Time{} &&
                bytes.find("queued") != std::string_view::npos)
                submitted = at - paths[submit_hop]->down.spec().delay;
            if (tap)
                tap(at, n, from_client, bytes);
        };
        auto tap = paths[relay_hop]->tap;
        paths[relay_hop]->tap = [&, tap](Time at, std::uint64_t n, bool from_client, std::string_view bytes) {
            watch_relay(at, from_client, bytes);
            if (tap)
                tap(at, n, from_client, bytes);
        };
        Time start = Clock::now();
        co_await submit(submit_relay.local(), alice_password_);
        t.hop[submit_hop] = ms_between(start, Clock::now());
        if (relay_done == Time{}) {
            relayed.expires_after(std::chrono::seconds(30));
            co_await relayed.async_wait(use_tuple);
        }
        if (relay_done == Time{})
            throw std::runtime_error("mail.crepes.fr did not relay the message to mail.hamburger.edu within 30 s");
        t.hop[relay_hop] = ms_between(relay_opened, relay_done);
        t.queued = submitted == Time{} ? 0 : ms_between(submitted, relay_opened);
        start = Clock::now();
        co_await fetch(pop3_relay.local(), bob_password_);
        t.hop[fetch_hop] = ms_between(start, Clock::now());
        paths[submit_hop]->tap = nullptr;
        paths[relay_hop]->tap = tap;
        co_return t;
    };

    Report r = new_report(*this);
    r.paragraphs = {
        "The textbook's §2.3: Alice's user agent sends a message to her mail server, mail.crepes.fr, with SMTP. "
        "Her server keeps it in its queue, looks up the MX of hamburger.edu (through its local DNS server, which "
        "iterates from the private root of the textbook's DNS hierarchy) and opens an SMTP connection to "
        "mail.hamburger.edu, which delivers it into Bob's mailbox. Bob's user agent then downloads it with POP3. "
        "All three are layer7's own servers and clients; each hop crosses an emulated link of its own, all with "
        "the round-trip time on the x axis.",
        "Formula: a hop costs one RTT per exchange in which the client waits for the server, plus the time to "
        "transmit its bytes. The TCP handshake and the server's greeting take 2 RTT; then submission sends EHLO, "
        "AUTH PLAIN, MAIL FROM + RCPT TO + DATA together (PIPELINING, RFC 2920: one round trip up to the 354), "
        "the message up to its 250, and QUIT: 7 RTT. The relay to Bob's server is the same without AUTH: 6 RTT "
        "(without PIPELINING, as in the textbook's dialogue, MAIL, RCPT and DATA would be one round trip each: "
        "8 RTT). POP3: greeting, USER, PASS, STAT, RETR, DELE, QUIT: 8 RTT. Transmit is the bytes of both "
        "directions divided by the link rate (the dialogue sends one way at a time).",
        "What the formula leaves out is the servers' own work, a few milliseconds per hop: the spool's fsync "
        "before Alice's server says 250, the Maildir delivery's before Bob's does, and each command's handling "
        "(more in a sanitizer build). It shows as a constant excess, large against a short RTT.",
        "Hop 2 is timed from the moment Alice's server opens its connection to the 221 that ends it. The time the "
        "message waits in Alice's queue before that — the MX lookup included, which stays on the local network "
        "here — is shown apart, in the parameters. The transcripts show each hop as it crossed its link, the MX "
        "lookup with it."};
    r.x_name = "RTT of each hop (ms)";
    r.y_unit = "ms";

    // The transcripts: one message, with every hop and the MX lookup on its own connection number.
    {
        Transcript transcript;
        const Time start = Clock::now();
        const char* names[hop_count] = {"submission", "relay", "pop3"};
        for (int i = 0; i < hop_count; ++i) {
            paths[i]->tap = [&, i](Time at, std::uint64_t n, bool from_client, std::string_view bytes) {
                transcript.add(ms_between(start, at), static_cast<std::uint64_t>(i + 1) * 100 + n, from_client, bytes);
            };
            paths[i]->opened = [&, i, old = paths[i]->opened, name = names[i]](Time at, std::uint64_t n) {
                transcript.note(ms_between(start, at), "#" + std::to_string((i + 1) * 100 + n) + " " + name +
                                                           ": connection opened (" + hops[i].label + ")");
                if (old)
                    old(at, n);
            };
        }
        dns_path->tap = [&](Time at, std::uint64_t, bool from_client, std::string_view bytes) {
            transcript.note(ms_between(start, at), std::string(from_client ? "mail.crepes.fr to its DNS server: "
                                                                           : "its DNS server to mail.crepes.fr: ") +
                                                       dns_summary(bytes));
        };
        const Times t = co_await deliver();
        for (auto& p : paths)
            p->tap = nullptr;
        paths[relay_hop]->opened = [&](Time at, std::uint64_t) { relay_opened = at; };
        paths[submit_hop]->opened = paths[fetch_hop]->opened = nullptr;
        dns_path->tap = nullptr;
        char title[200];
        std::snprintf(
            title, sizeof title,
            "Alice to Bob, RTT %.0f ms: submission %.0f ms, in the queue %.0f ms, relay %.0f ms, POP3 %.0f ms "
            "(connections #1xx, #2xx, #3xx)",
            rtts.front(), t.hop[submit_hop], t.queued, t.hop[relay_hop], t.hop[fetch_hop]);
        r.steps.push_back({title, transcript.text()});
    }

    Chart chart{"Each hop of Alice's message to Bob", r.x_name, "hop time (ms)", {}};
    Series measured[hop_count], formula[hop_count];
    for (int i = 0; i < hop_count; ++i) {
        measured[i] = {hops[i].label, {}, false};
        formula[i] = {std::string(hops[i].label) + " (formula)", {}, true};
    }
    std::vector<Row> rows[hop_count];
    Sample queue_wait;
    std::uint64_t hop_bytes[hop_count] = {};
    for (double rtt : rtts) {
        for (auto& p : paths) {
            p->up.respec(half_of(rtt, rate * 1e6, loss));
            p->down.respec(half_of(rtt, rate * 1e6, loss));
        }
        Sample samples[hop_count];
        do {
            std::uint64_t before[hop_count];
            for (int i = 0; i < hop_count; ++i)
                before[i] = paths[i]->up.bytes() + paths[i]->down.bytes();
            const Times t = co_await deliver();
            for (int i = 0; i < hop_count; ++i) {
                samples[i].add(t.hop[i]);
                hop_bytes[i] = paths[i]->up.bytes() + paths[i]->down.bytes() - before[i];
            }
            queue_wait.add(t.queued);
        } while (!(samples[0].done(s.min_runs, s.max_runs) && samples[1].done(s.min_runs, s.max_runs) &&
                   samples[2].done(s.min_runs, s.max_runs)));
        for (int i = 0; i < hop_count; ++i) {
            const double transmit = static_cast<double>(hop_bytes[i]) * 8 / (rate * 1e6) * 1000;
            Row row{
                hops[i].label,    rtt, samples[i].mean(), samples[i].half_width(), hops[i].round_trips * rtt + transmit,
                samples[i].size()};
            measured[i].points.push_back({rtt, row.measured, row.err});
            formula[i].points.push_back({rtt, row.formula, 0});
            rows[i].push_back(row);
        }
    }
    for (int i = 0; i < hop_count; ++i) {
        r.rows.insert(r.rows.end(), rows[i].begin(), rows[i].end());
        chart.series.push_back(std::move(measured[i]));
        chart.series.push_back(std::move(formula[i]));
    }
    r.charts.push_back(std::move(chart));

    char text[96];
    std::snprintf(text, sizeof text, "%.3g Mbit/s each way", rate);
    r.parameters.emplace_back("link rate", text);
    std::snprintf(text, sizeof text, "%.3g", loss);
    r.parameters.emplace_back("loss", text);
    r.parameters.emplace_back("RTT of each hop (ms)", sweep_text(rtts));
    r.parameters.emplace_back("round trips per hop", "submission 7, relay 6, POP3 8");
    r.parameters.emplace_back("bytes per hop, both ways", std::to_string(hop_bytes[submit_hop]) + ", " +
                                                              std::to_string(hop_bytes[relay_hop]) + ", " +
                                                              std::to_string(hop_bytes[fetch_hop]));
    std::snprintf(text, sizeof text, "%.1f ms (± %.1f), MX lookup included", queue_wait.mean(),
                  queue_wait.half_width());
    r.parameters.emplace_back("in Alice's queue before the relay", text);
    r.parameters.emplace_back("servers",
                              "mail.crepes.fr and mail.hamburger.edu (SMTP, no TLS), Bob's POP3; DNS "
                              "hierarchy from " +
                                  std::string(hierarchy_first) + ", resolver " + resolver_address);
    add_run_parameters(r, s);
    co_return r;
}

}  // namespace

std::unique_ptr<Experiment> make_smtp_relay()
{
    return std::make_unique<SmtpRelay>();
}

}  // namespace layer7::lab
