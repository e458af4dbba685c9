// A download-rate cap that changes over time, for showing adaptation: a trace file of
// "seconds kbit/s" lines (a step function from each time on; '#' comments), or one fixed rate. Pure.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace layer7::stream {

class RateTrace {
public:
    static constexpr std::size_t max_steps = 10000;

    static RateTrace fixed(double kbps);
    // Lines "T KBPS" with T ascending from 0; the error names the line.
    static core::Result<RateTrace, std::string> parse(std::string_view text);

    // kbit/s at `seconds` since the start; nullopt: no cap (an empty trace).
    std::optional<double> at(double seconds) const;
    bool empty() const { return steps_.empty(); }

private:
    struct Step {
        double from, kbps;
    };
    std::vector<Step> steps_;
};

}  // namespace layer7::stream
