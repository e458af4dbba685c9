// An experiment of the lab: the servers it measures, run on a core::Runtime of their own (another
// thread, as `layer7 up` runs them), and the measuring side — relays and the project's clients —
// on the lab's io_context. It returns its write-up (report.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/net/asio.hpp"
#include "core/runtime/runtime.hpp"
#include "core/service.hpp"
#include "http/server/service.hpp"
#include "lab/link.hpp"
#include "lab/report.hpp"

namespace layer7::lab {

struct Settings {
    // What the user fixed (--rtt, --rate, --loss); unset: the experiment's own sweep or default.
    std::optional<double> rtt_ms, rate_mbps, loss;
    bool quick = false;  // a few points and small files (CI)
    std::uint64_t seed = 1;
    std::size_t min_runs = 3, max_runs = 10;  // each point repeated until its 95 % interval < 5 %
    std::string work_dir;                     // scratch space (site roots, mail, zones)
};

class Experiment {
public:
    virtual ~Experiment() = default;
    virtual std::string_view name() const = 0;
    virtual std::string_view title() const = 0;
    // Starts the servers it measures on `servers` before that runtime runs; throws
    // core::StartError.
    virtual void start(core::Runtime& servers, const Settings& settings) = 0;
    // Measures on `io` and writes up; throws std::runtime_error with a one-line reason.
    virtual core::awaitable<Report> measure(asio::io_context& io, const Settings& settings) = 0;
};

// Every experiment, in the order.
std::vector<std::unique_ptr<Experiment>> catalog();

// The experiments' constructors (one file each).
std::unique_ptr<Experiment> make_http_persistence();
std::unique_ptr<Experiment> make_web_cache();
std::unique_ptr<Experiment> make_dns_resolution();
std::unique_ptr<Experiment> make_hol_blocking();
std::unique_ptr<Experiment> make_p2p_vs_client_server();
std::unique_ptr<Experiment> make_smtp_relay();
std::unique_ptr<Experiment> make_dash_adaptation();

// What the experiments share (experiment.cpp).
// Which link emulator ran, for the report.
std::string emulator_note();
// A report with the experiment's name, title and the emulator's note filled in.
Report new_report(const Experiment& e);
// The port of a service row's address ("127.0.0.1:40123").
std::uint16_t row_port(const std::string& address);
// One direction of a symmetric link: half of `rtt_ms` of delay, `rate_bps` (0: no limit), `loss`.
LinkSpec half_of(double rtt_ms, double rate_bps, double loss);
// Milliseconds from `start` to `end`.
double ms_between(Time start, Time end);
// A swept parameter as the report's parameter table shows it: "10, 25, 50".
std::string sweep_text(const std::vector<double>& values);
// The seed and the repetition rule, last in a report's parameters.
void add_run_parameters(Report& r, const Settings& s);
// Starts layer7's HTTP server as `config` says, on 127.0.0.1 at a port the kernel picks; keeps it
// in `service` and returns where it listens. Throws core::StartError.
asio::ip::tcp::endpoint start_http(core::Runtime& servers, http::ServerConfig config,
                                   std::unique_ptr<core::Service>& service);

}  // namespace layer7::lab
