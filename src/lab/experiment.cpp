#include "lab/experiment.hpp"

#include <cstdio>

#include "core/service.hpp"

namespace layer7::lab {

std::string emulator_note()
{
    return "Link emulator: the relay inside layer7 on loopback (no root needed; the kernel's netem is not used). "
           "TCP is ended at the relay on both sides and the bytes cross the emulated link: a new connection's "
           "first bytes wait one round trip, as TCP's handshake would make them; a lost segment arrives one round "
           "trip late, as after a fast retransmit, and later bytes of its stream wait behind it. TCP's congestion "
           "window is not emulated.";
}

Report new_report(const Experiment& e)
{
    Report r;
    r.name = std::string(e.name());
    r.title = std::string(e.title());
    r.emulator = emulator_note();
    return r;
}

std::uint16_t row_port(const std::string& address)
{
    const auto colon = address.rfind(':');
    if (colon == std::string::npos)
        throw core::StartError("no port in " + address);
    return static_cast<std::uint16_t>(std::stoul(address.substr(colon + 1)));
}

LinkSpec half_of(double rtt_ms, double rate_bps, double loss)
{
    LinkSpec link;
    link.delay = std::chrono::duration_cast<Duration>(std::chrono::duration<double, std::milli>(rtt_ms / 2));
    link.rate_bps = rate_bps;
    link.loss = loss;
    return link;
}

double ms_between(Time start, Time end)
{
    return std::chrono::duration<double, std::milli>(end - start).count();
}

std::string sweep_text(const std::vector<double>& values)
{
    std::string text;
    for (double v : values) {
        char number[32];
        std::snprintf(number, sizeof number, "%g", v);  // 0.5, not 0.500000
        text += (text.empty() ? "" : ", ") + std::string(number);
    }
    return text;
}

void add_run_parameters(Report& r, const Settings& s)
{
    r.parameters.emplace_back("seed", std::to_string(s.seed));
    r.parameters.emplace_back("runs per point", std::to_string(s.min_runs) + " to " + std::to_string(s.max_runs) +
                                                    ", until the 95 % interval is under 5 % of the mean");
}

asio::ip::tcp::endpoint start_http(core::Runtime& servers, http::ServerConfig config,
                                   std::unique_ptr<core::Service>& service)
{
    config.listen = core::HostPort{"127.0.0.1", 0};
    service = http::make_service(config);
    const auto rows = service->start(servers);
    if (rows.empty())
        throw core::StartError("the HTTP server did not start");
    return {asio::ip::make_address("127.0.0.1"), row_port(rows.front().address)};
}

}  // namespace layer7::lab
