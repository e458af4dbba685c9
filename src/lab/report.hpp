// What a lab run found, and its write-up: one HTML page with SVG charts (measured points with
// error bars, the textbook's formula as a dashed line of the same colour), the parameters, a table
// of measured against formula, and the C:/S: transcripts folded under each step. Pure: the caller
// writes the text to files.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace layer7::lab {

struct Point {
    double x = 0, y = 0;
    double err = 0;  // half the 95 % interval; 0: none drawn
};

struct Series {
    std::string name;
    std::vector<Point> points;
    // Drawn dashed, without markers: in the colour of the series before it when its name starts
    // with that series' name ("persistent (formula)"), else grey.
    bool formula = false;
};

struct Chart {
    std::string title, x_label, y_label;
    std::vector<Series> series;
};

// One measured point beside its formula.
struct Row {
    std::string label;  // "persistent", "cold cache"
    double x = 0;       // the swept parameter (RTT in ms, hit rate, N…)
    double measured = 0, err = 0;
    double formula = 0;
    std::size_t runs = 0;
    // measured against formula, in per cent of the formula
    double difference() const { return formula == 0 ? 0 : (measured - formula) / formula * 100; }
};

struct Step {
    std::string title;       // "cold: dig www.hamburger.edu"
    std::string transcript;  // C:/S: lines
};

struct Report {
    std::string name, title;
    std::string started;                  // "2026-12-03 19:50:00 UTC"
    std::vector<std::string> paragraphs;  // what the experiment does and the formula, plain text
    std::string emulator;                 // which link emulator ran, and why
    std::vector<std::pair<std::string, std::string>> parameters;
    std::vector<Chart> charts;
    std::string x_name, y_unit;  // the table's column heads: "RTT (ms)", "ms"
    std::vector<Row> rows;
    std::vector<Step> steps;
};

std::string svg_chart(const Chart& chart);
std::string report_html(const Report& report);
// The table of rows as tab-separated text with a header line (for scripts and tests).
std::string results_tsv(const Report& report);

// The index of runs: newest first.
struct RunLink {
    std::string dir;  // relative to the index
    std::string title, started;
};
std::string index_html(const std::vector<RunLink>& runs);

}  // namespace layer7::lab
