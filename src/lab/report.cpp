#include "lab/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/text/html_escape.hpp"

namespace layer7::lab {

namespace {

using core::html_escape;

constexpr double width = 760, height = 400;
constexpr double left = 70, right = 250, top = 40, bottom = 55;  // the legend sits on the right
constexpr const char* colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"};

std::string number(double v, int decimals = 2)
{
    char text[64];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

// A step of 1, 2 or 5 times a power of ten that cuts `span` into about five parts.
double tick_step(double span)
{
    if (span <= 0)
        return 1;
    const double raw = span / 5;
    const double power = std::pow(10, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0})
        if (m * power >= raw)
            return m * power;
    return 10 * power;
}

// Few decimals for round ticks, more for small ones.
int decimals_for(double step)
{
    return step >= 1 ? 0 : static_cast<int>(std::ceil(-std::log10(step)));
}

struct Scale {
    double lo, hi, from, to;  // data range → pixel range
    double operator()(double v) const { return hi == lo ? (from + to) / 2 : from + (v - lo) / (hi - lo) * (to - from); }
};

std::string legend_entry(double y, const std::string& colour, bool dashed, const std::string& name)
{
    const std::string ly = number(y, 0);
    return "<line x1=\"" + number(width - right + 12, 0) + "\" x2=\"" + number(width - right + 36, 0) + "\" y1=\"" +
           ly + "\" y2=\"" + ly + "\" stroke=\"" + colour + "\" stroke-width=\"2\"" +
           (dashed ? " stroke-dasharray=\"6 4\"" : "") + "/><text x=\"" + number(width - right + 42, 0) + "\" y=\"" +
           ly + "\" dy=\"4\" font-size=\"11\">" + html_escape(name) + "</text>\n";
}

}  // namespace

std::string svg_chart(const Chart& chart)
{
    double x_lo = std::numeric_limits<double>::max(), x_hi = std::numeric_limits<double>::lowest(), y_hi = 0;
    for (const auto& s : chart.series)
        for (const auto& p : s.points) {
            x_lo = std::min(x_lo, p.x);
            x_hi = std::max(x_hi, p.x);
            y_hi = std::max(y_hi, p.y + p.err);
        }
    if (x_lo > x_hi)
        x_lo = 0, x_hi = 1;
    if (x_lo == x_hi)
        x_lo -= 1, x_hi += 1;
    const double x_step = tick_step(x_hi - x_lo);
    x_lo = std::floor(x_lo / x_step) * x_step;
    x_hi = std::ceil(x_hi / x_step) * x_step;
    const double y_step = tick_step(y_hi > 0 ? y_hi * 1.1 : 1);
    y_hi = std::ceil((y_hi > 0 ? y_hi * 1.05 : 1) / y_step) * y_step;
    const Scale sx{x_lo, x_hi, left, width - right};
    const Scale sy{0, y_hi, height - bottom, top};

    std::string svg =
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 760 400\" width=\"760\" height=\"400\" "
        "font-family=\"sans-serif\" font-size=\"12\">\n";
    svg += "<text x=\"" + number(width / 2 - right / 2, 0) + "\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">" +
           html_escape(chart.title) + "</text>\n";
    // Grid, ticks and axis labels.
    for (double y = 0; y <= y_hi + y_step / 2; y += y_step) {
        const std::string py = number(sy(y), 1);
        svg += "<line x1=\"" + number(left, 0) + "\" x2=\"" + number(width - right, 0) + "\" y1=\"" + py + "\" y2=\"" +
               py + "\" stroke=\"#ddd\"/><text x=\"" + number(left - 6, 0) + "\" y=\"" + py +
               "\" dy=\"4\" text-anchor=\"end\">" + number(y, decimals_for(y_step)) + "</text>\n";
    }
    for (double x = x_lo; x <= x_hi + x_step / 2; x += x_step) {
        const std::string px = number(sx(x), 1);
        svg += "<line x1=\"" + px + "\" x2=\"" + px + "\" y1=\"" + number(height - bottom, 0) + "\" y2=\"" +
               number(height - bottom + 5, 0) + "\" stroke=\"#333\"/><text x=\"" + px + "\" y=\"" +
               number(height - bottom + 19, 0) + "\" text-anchor=\"middle\">" + number(x, decimals_for(x_step)) +
               "</text>\n";
    }
    svg += "<polyline fill=\"none\" stroke=\"#333\" points=\"" + number(left, 0) + "," + number(top, 0) + " " +
           number(left, 0) + "," + number(height - bottom, 0) + " " + number(width - right, 0) + "," +
           number(height - bottom, 0) + "\"/>\n";
    svg += "<text x=\"" + number((left + width - right) / 2, 0) + "\" y=\"" + number(height - 12, 0) +
           "\" text-anchor=\"middle\">" + html_escape(chart.x_label) + "</text>\n";
    svg += "<text transform=\"translate(16," + number((top + height - bottom) / 2, 0) +
           ") rotate(-90)\" text-anchor=\"middle\">" + html_escape(chart.y_label) + "</text>\n";

    // The series, each with its legend entry.
    std::size_t colour = 0;
    double legend_y = top + 6;
    bool any_formula = false;
    for (std::size_t i = 0; i < chart.series.size(); ++i) {
        const auto& s = chart.series[i];
        if (!s.formula && i > 0)
            ++colour;
        // A formula drawn for the series before it (named after it) takes its colour; any other is grey.
        const bool own = !s.formula || (i > 0 && s.name.starts_with(chart.series[i - 1].name));
        const std::string c = own ? colours[colour % std::size(colours)] : "#555";
        auto points = s.points;
        std::sort(points.begin(), points.end(), [](const Point& a, const Point& b) { return a.x < b.x; });
        std::string line;
        for (const auto& p : points)
            line += number(sx(p.x), 1) + "," + number(sy(p.y), 1) + " ";
        svg += "<polyline fill=\"none\" stroke=\"" + c + "\" stroke-width=\"2\"" +
               (s.formula ? " stroke-dasharray=\"6 4\"" : "") + " points=\"" + line + "\"/>\n";
        if (!s.formula)
            for (const auto& p : points) {
                const std::string px = number(sx(p.x), 1);
                if (p.err > 0)
                    svg += "<line x1=\"" + px + "\" x2=\"" + px + "\" y1=\"" + number(sy(p.y - p.err), 1) + "\" y2=\"" +
                           number(sy(p.y + p.err), 1) + "\" stroke=\"" + c + "\"/>\n";
                svg += "<circle cx=\"" + px + "\" cy=\"" + number(sy(p.y), 1) + "\" r=\"3.5\" fill=\"" + c + "\"/>\n";
            }
        if (s.formula) {  // one legend entry says what dashed means
            any_formula = true;
            continue;
        }
        svg += legend_entry(legend_y, c, false, s.name);
        legend_y += 18;
    }
    if (any_formula)
        svg += legend_entry(legend_y, "#555", true, "formula (dashed)");
    svg += "</svg>\n";
    return svg;
}

namespace {

constexpr const char* style = R"(<style>
body { font-family: sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; color: #222; }
table { border-collapse: collapse; margin: 1em 0; }
td, th { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
td:first-child, th:first-child { text-align: left; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; font-size: 0.85em; }
details { margin: 0.3em 0; }
.far { color: #b00; }
</style>
)";

std::string page_head(const std::string& title)
{
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html_escape(title) +
           "</title>\n" + style + "</head>\n<body>\n";
}

}  // namespace

std::string report_html(const Report& r)
{
    std::string html = page_head(r.title + " — layer7 lab");
    html += "<p><a href=\"../\">All runs</a></p>\n<h1>" + html_escape(r.title) + "</h1>\n";
    html += "<p>Experiment <code>" + html_escape(r.name) + "</code>, run " + html_escape(r.started) + ".</p>\n";
    for (const auto& p : r.paragraphs)
        html += "<p>" + html_escape(p) + "</p>\n";
    html += "<h2>Set-up</h2>\n<p>" + html_escape(r.emulator) + "</p>\n<table>\n";
    for (const auto& [name, value] : r.parameters)
        html += "<tr><td>" + html_escape(name) + "</td><td>" + html_escape(value) + "</td></tr>\n";
    html += "</table>\n<h2>Results</h2>\n";
    for (const auto& chart : r.charts)
        html += "<figure>\n" + svg_chart(chart) + "</figure>\n";
    html += "<table>\n<tr><th>case</th><th>" + html_escape(r.x_name) + "</th><th>measured (" + html_escape(r.y_unit) +
            ")</th><th>± 95 %</th><th>runs</th><th>formula (" + html_escape(r.y_unit) +
            ")</th><th>difference</th></tr>\n";
    for (const auto& row : r.rows) {
        const double d = row.difference();
        html += "<tr><td>" + html_escape(row.label) + "</td><td>" + number(row.x, 2) + "</td><td>" +
                number(row.measured, 2) + "</td><td>" + number(row.err, 2) + "</td><td>" + std::to_string(row.runs) +
                "</td><td>" + number(row.formula, 2) + "</td><td" + (std::abs(d) > 15 ? " class=\"far\"" : "") + ">" +
                (d >= 0 ? "+" : "") + number(d, 1) + " %</td></tr>\n";
    }
    html += "</table>\n";
    if (!r.steps.empty()) {
        html += "<h2>Transcripts</h2>\n";
        for (const auto& step : r.steps)
            html += "<details><summary>" + html_escape(step.title) + "</summary>\n<pre>" +
                    html_escape(step.transcript) + "</pre></details>\n";
    }
    html += "</body>\n</html>\n";
    return html;
}

std::string results_tsv(const Report& r)
{
    std::string text = "case\t" + r.x_name + "\tmeasured\thalf_width\truns\tformula\tdifference_percent\n";
    for (const auto& row : r.rows)
        text += row.label + "\t" + number(row.x) + "\t" + number(row.measured) + "\t" + number(row.err) + "\t" +
                std::to_string(row.runs) + "\t" + number(row.formula) + "\t" + number(row.difference(), 1) + "\n";
    return text;
}

std::string index_html(const std::vector<RunLink>& runs)
{
    std::string html = page_head("layer7 lab");
    html +=
        "<h1>layer7 lab</h1>\n<p>The textbook's experiments, run on layer7's own servers and clients over an "
        "emulated link (<code>layer7 lab list</code>, <code>layer7 lab run NAME</code>).</p>\n";
    if (runs.empty())
        html += "<p>No run yet.</p>\n";
    else {
        html += "<ul>\n";
        for (const auto& run : runs)
            html += "<li><a href=\"" + html_escape(run.dir) + "/\">" + html_escape(run.title) + "</a> — " +
                    html_escape(run.started) + "</li>\n";
        html += "</ul>\n";
    }
    html += "</body>\n</html>\n";
    return html;
}

}  // namespace layer7::lab
