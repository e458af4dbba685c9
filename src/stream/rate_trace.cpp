// The download-rate trace: see rate_trace.hpp.
#include "stream/rate_trace.hpp"

#include <charconv>

namespace layer7::stream {

namespace {

std::optional<double> number(std::string_view s)
{
    double v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || s.empty() || !(v >= 0) || v > 1e9)
        return std::nullopt;
    return v;
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

}  // namespace

RateTrace RateTrace::fixed(double kbps)
{
    RateTrace t;
    t.steps_.push_back({0, kbps});
    return t;
}

core::Result<RateTrace, std::string> RateTrace::parse(std::string_view text)
{
    RateTrace t;
    std::size_t line_no = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++line_no;
        line = trim(line.substr(0, line.find('#')));
        if (line.empty())
            continue;
        const auto gap = line.find_first_of(" \t");
        // -1: missing or not a number (number() takes no negatives)
        const double from = number(line.substr(0, gap)).value_or(-1);
        const double kbps = gap == std::string_view::npos ? -1 : number(trim(line.substr(gap))).value_or(-1);
        const auto where = "line " + std::to_string(line_no) + ": ";
        if (from < 0 || kbps <= 0)
            return core::fail(where + "expected \"SECONDS KBIT/S\" with a positive rate");
        if (!t.steps_.empty() && from <= t.steps_.back().from)
            return core::fail(where + "times must increase");
        if (t.steps_.size() >= max_steps)
            return core::fail(where + "more than " + std::to_string(max_steps) + " steps");
        t.steps_.push_back({from, kbps});
    }
    if (t.steps_.empty())
        return core::fail(std::string("no \"SECONDS KBIT/S\" lines"));
    return t;
}

std::optional<double> RateTrace::at(double seconds) const
{
    if (steps_.empty())
        return std::nullopt;
    double rate = steps_.front().kbps;  // before the first step's time, its rate
    for (const auto& s : steps_) {
        if (s.from > seconds)
            break;
        rate = s.kbps;
    }
    return rate;
}

}  // namespace layer7::stream
