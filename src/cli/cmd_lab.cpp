// `layer7 lab list | run NAME|all | relay`: the textbook's experiments on the project's own servers
// and clients over an emulated link, written up as HTML reports; and the link emulator alone.
#include <chrono>
#include <csignal>
#include <iostream>
#include <optional>

#include "cli/common.hpp"
#include "lab/lab.hpp"
#include "lab/relay.hpp"

namespace layer7::cli {

namespace {

// --rtt/--rate/--loss as a link spec for one direction (half the RTT each way); nullopt after
// printing the one-line error.
std::optional<lab::LinkSpec> link_spec(double rtt_ms, double rate_mbps, double loss, std::size_t queue_kib)
{
    lab::LinkSpec spec;
    if (rtt_ms < 0) {
        std::cerr << "layer7 lab: --rtt must not be negative\n";
        return std::nullopt;
    }
    if (rate_mbps < 0) {
        std::cerr << "layer7 lab: --rate must be positive (0: no limit)\n";
        return std::nullopt;
    }
    spec.delay = std::chrono::duration_cast<lab::Duration>(std::chrono::duration<double, std::milli>(rtt_ms / 2));
    spec.rate_bps = rate_mbps * 1e6;
    spec.loss = loss;
    spec.queue_bytes = queue_kib * 1024;
    if (auto error = lab::validate(spec)) {
        std::cerr << "layer7 lab: " << *error << '\n';
        return std::nullopt;
    }
    return spec;
}

}  // namespace

void add_lab_commands(CLI::App& app, Globals& g)
{
    auto* lab_cmd = app.add_subcommand("lab", "The textbook's experiments, measured, with HTML reports");
    lab_cmd->require_subcommand(1);

    lab_cmd->add_subcommand("list", "List the experiments and whether each can run")->callback([&g] {
        lab::list(std::cout);
        g.status = 0;
    });

    struct Run {
        std::string name, out;
        double rtt = -1, rate = -1, loss = -1;
        bool quick = false;
        std::uint64_t seed = 1;
        std::size_t runs = 10;
    };
    static Run run;
    auto* run_cmd = lab_cmd->add_subcommand("run", "Run an experiment (or all) and write its report");
    run_cmd->add_option("NAME", run.name, "an experiment from `layer7 lab list`, or all")->required();
    auto* rtt_opt = run_cmd->add_option("--rtt", run.rtt, "Round-trip time in ms (default: the experiment's sweep)");
    auto* rate_opt = run_cmd->add_option("--rate", run.rate, "Link rate in Mbit/s each way (0: no limit)");
    auto* loss_opt = run_cmd->add_option("--loss", run.loss, "Probability that a packet is lost, 0 to below 1");
    run_cmd->add_option("--out", run.out, "Folder of reports (default DATA/lab, served by layer7 up at /lab/)");
    run_cmd->add_flag("--quick", run.quick, "A few points and at most 3 runs each (a smoke test)");
    run_cmd->add_option("--seed", run.seed, "Seed of every random choice (default 1)");
    run_cmd->add_option("--runs", run.runs, "At most this many runs per point (default 10; at least 3)");
    run_cmd->callback([&g, rtt_opt, rate_opt, loss_opt] {
        setup(g, "warn");
        lab::RunOptions options;
        auto& s = options.settings;
        if (rtt_opt->count())
            s.rtt_ms = run.rtt;
        if (rate_opt->count())
            s.rate_mbps = run.rate;
        if (loss_opt->count())
            s.loss = run.loss;
        // The same checks as the relay's: one line and exit status 2.
        if (!link_spec(s.rtt_ms.value_or(0), s.rate_mbps.value_or(0), s.loss.value_or(0), 256) ||
            (s.rate_mbps && *s.rate_mbps == 0)) {
            if (s.rate_mbps && *s.rate_mbps == 0)
                std::cerr << "layer7 lab: --rate must be above 0 for an experiment\n";
            g.status = exit_usage;
            return;
        }
        s.quick = run.quick;
        s.seed = run.seed;
        s.max_runs = run.quick ? 3 : std::max<std::size_t>(run.runs, 3);
        s.min_runs = std::min<std::size_t>(3, s.max_runs);
        options.reports = !run.out.empty() ? run.out : (g.data.empty() ? "./layer7-data" : g.data) + "/lab";
        g.status = lab::run(run.name, options);
    });

    struct Relay {
        std::string listen, to;
        double rtt = 0, rate = 0, loss = 0;
        std::size_t queue_kib = 256;
        bool udp = false;
        std::uint64_t seed = 1;
    };
    static Relay relay;
    auto* relay_cmd = lab_cmd->add_subcommand("relay", "The link emulator alone: relay ADDR to --to over a link");
    relay_cmd->add_option("--listen", relay.listen, "ADDR the clients connect to")->required();
    relay_cmd->add_option("--to", relay.to, "ADDR of the server")->required();
    relay_cmd->add_option("--rtt", relay.rtt, "Round-trip time in ms, half each way (default 0)");
    relay_cmd->add_option("--rate", relay.rate, "Link rate in Mbit/s each way (default 0: no limit)");
    relay_cmd->add_option("--loss", relay.loss, "Probability that a packet is lost (default 0)");
    relay_cmd->add_option("--queue", relay.queue_kib, "Queue in front of each direction's link, KiB (default 256)");
    relay_cmd->add_flag("--udp", relay.udp, "Relay UDP datagrams instead of TCP connections");
    relay_cmd->add_option("--seed", relay.seed, "Seed of the loss (default 1)");
    relay_cmd->callback([&g] {
        setup(g);
        auto listen = parse_addr("--listen", relay.listen, true);
        auto to = parse_addr("--to", relay.to, false);
        auto spec = link_spec(relay.rtt, relay.rate, relay.loss, relay.queue_kib);
        if (!listen || !to || !spec) {
            g.status = exit_usage;
            return;
        }
        try {
            asio::io_context io;
            auto path = std::make_shared<lab::Path>(*spec, *spec, relay.seed);
            const auto listen_ip = asio::ip::make_address(listen->host), to_ip = asio::ip::make_address(to->host);
            std::optional<lab::TcpRelay> tcp;
            std::optional<lab::UdpRelay> udp;
            if (relay.udp)
                udp.emplace(io, asio::ip::udp::endpoint(listen_ip, listen->port),
                            asio::ip::udp::endpoint(to_ip, to->port), path);
            else
                tcp.emplace(io, asio::ip::tcp::endpoint(listen_ip, listen->port),
                            asio::ip::tcp::endpoint(to_ip, to->port), path);
            std::cout << "layer7 lab relay: " << (relay.udp ? "udp " : "tcp ")
                      << (relay.udp ? udp->local().port() : tcp->local().port()) << " → " << relay.to << ", RTT "
                      << relay.rtt << " ms, "
                      << (relay.rate > 0 ? std::to_string(relay.rate) + " Mbit/s" : "no rate limit") << ", loss "
                      << relay.loss << std::endl;
            asio::signal_set signals(io, SIGINT, SIGTERM);
            signals.async_wait([&](const std::error_code&, int) { io.stop(); });
            io.run();
            g.status = 0;
        } catch (const std::exception& e) {
            std::cerr << "layer7 lab relay: " << e.what() << '\n';
            g.status = exit_failure;
        }
    });
}

}  // namespace layer7::cli
