#include "lab/adaptation.hpp"

#include <algorithm>

namespace layer7::lab {

std::uint64_t highest_within(const std::vector<std::uint64_t>& bitrates, double allowed)
{
    if (bitrates.empty())
        return 0;
    std::uint64_t best = 0;
    bool found = false;
    for (auto b : bitrates)
        if (static_cast<double>(b) <= allowed && (!found || b > best)) {
            best = b;
            found = true;
        }
    return found ? best : *std::min_element(bitrates.begin(), bitrates.end());
}

std::vector<StepOutcome> outcomes(const std::vector<double>& starts, const std::vector<double>& rates, double end,
                                  const std::vector<std::uint64_t>& bitrates, double safety,
                                  const std::vector<Choice>& choices, std::size_t settle)
{
    std::vector<StepOutcome> out;
    for (std::size_t i = 0; i < starts.size() && i < rates.size(); ++i) {
        StepOutcome o;
        o.from = starts[i];
        o.until = i + 1 < starts.size() ? starts[i + 1] : std::max(end, starts[i]);
        o.rate = rates[i];
        o.ideal = highest_within(bitrates, safety * rates[i]);
        double sum = 0;
        for (const auto& c : choices) {
            const bool last = i + 1 == starts.size();
            if (c.at < o.from || (!last && c.at >= o.until))
                continue;
            if (++o.segments <= settle)
                continue;
            ++o.settled;
            sum += static_cast<double>(c.bitrate);
            if (c.bitrate == o.ideal)
                ++o.matching;
        }
        o.mean_settled = o.settled ? sum / static_cast<double>(o.settled) : 0;
        out.push_back(o);
    }
    return out;
}

}  // namespace layer7::lab
