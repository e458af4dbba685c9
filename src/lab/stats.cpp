#include "lab/stats.hpp"

#include <array>
#include <cmath>
#include <numeric>

namespace layer7::lab {

double t95(std::size_t dof)
{
    // Student's t, 0.975 quantile, for 1..30 degrees of freedom; the normal's 1.96 beyond.
    static constexpr std::array<double, 30> table{
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120,  2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
    if (dof == 0)
        return 0;
    return dof <= table.size() ? table[dof - 1] : 1.96;
}

double Sample::mean() const
{
    if (values_.empty())
        return 0;
    return std::accumulate(values_.begin(), values_.end(), 0.0) / static_cast<double>(values_.size());
}

double Sample::half_width() const
{
    const std::size_t n = values_.size();
    if (n < 2)
        return 0;
    const double m = mean();
    double squares = 0;
    for (double v : values_)
        squares += (v - m) * (v - m);
    const double deviation = std::sqrt(squares / static_cast<double>(n - 1));
    return t95(n - 1) * deviation / std::sqrt(static_cast<double>(n));
}

bool Sample::done(std::size_t min_runs, std::size_t max_runs, double relative) const
{
    if (size() >= max_runs)
        return true;
    if (size() < min_runs)
        return false;
    return half_width() <= relative * std::abs(mean());
}

}  // namespace layer7::lab
