// Repeated measurements of one point: the mean and its 95 % confidence interval (Student's t), and
// the lab's rule for when to stop repeating.
#pragma once

#include <cstddef>
#include <vector>

namespace layer7::lab {

class Sample {
public:
    void add(double value) { values_.push_back(value); }
    std::size_t size() const { return values_.size(); }
    const std::vector<double>& values() const { return values_; }
    double mean() const;
    // Half the width of the 95 % confidence interval of the mean; 0 with fewer than two values.
    double half_width() const;
    // The lab's stopping rule: at least `min_runs`, then stop once the interval is under
    // `relative` of the mean, or at `max_runs`.
    bool done(std::size_t min_runs, std::size_t max_runs, double relative = 0.05) const;

private:
    std::vector<double> values_;
};

// The two-sided 95 % quantile of Student's t with `dof` degrees of freedom.
double t95(std::size_t dof);

}  // namespace layer7::lab
