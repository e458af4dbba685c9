// ABR rules: see abr.hpp.
#include "stream/abr.hpp"

#include <algorithm>
#include <cmath>

namespace layer7::stream {

void ThroughputEstimator::add(double bits_per_second)
{
    if (!(bits_per_second > 0))
        return;
    samples_.push_back(bits_per_second);
    if (samples_.size() > window_)
        samples_.pop_front();
}

double ThroughputEstimator::estimate() const
{
    if (samples_.empty())
        return 0;
    double inverse = 0;
    for (double s : samples_)
        inverse += 1 / s;
    return static_cast<double>(samples_.size()) / inverse;
}

std::size_t choose_throughput(const AbrState& s, const AbrSettings& settings)
{
    const auto& rates = *s.bitrates;
    std::size_t pick = 0;
    for (std::size_t i = 0; i < rates.size(); ++i)
        if (static_cast<double>(rates[i]) <= settings.safety * s.throughput)
            pick = i;
    return pick;
}

std::size_t choose_bola(const AbrState& s, const AbrSettings& settings)
{
    const auto& rates = *s.bitrates;
    if (rates.size() < 2 || rates.front() == 0)
        return 0;
    // Utility ln(b/b0) + 1: the lowest is worth 1, each doubling adds ln 2.
    std::vector<double> utility;
    for (auto b : rates)
        utility.push_back(std::log(static_cast<double>(b) / static_cast<double>(rates.front())) + 1);
    // At the target buffer the top bitrate's score reaches the lowest's, at the minimum buffer
    // the lowest wins: γp = (u_max − 1) / (target/min − 1), V = min / γp.
    const double target = std::max(settings.bola_target, settings.bola_min_buffer * 1.5);
    const double gp = (utility.back() - 1) / (target / settings.bola_min_buffer - 1);
    const double v = settings.bola_min_buffer / gp;
    std::size_t best = 0;
    double best_score = -1e300;
    for (std::size_t i = 0; i < rates.size(); ++i) {
        const double score = (v * (utility[i] + gp) - s.buffer_seconds) / static_cast<double>(rates[i]);
        if (score >= best_score) {
            best_score = score;
            best = i;
        }
    }
    return best;
}

std::size_t choose(AbrKind kind, const AbrState& s, const AbrSettings& settings)
{
    return kind == AbrKind::bola ? choose_bola(s, settings) : choose_throughput(s, settings);
}

}  // namespace layer7::stream
