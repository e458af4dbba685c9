#include "lab/report.hpp"

#include <gtest/gtest.h>

namespace layer7::lab {
namespace {

Report sample_report()
{
    Report r;
    r.name = "demo";
    r.title = "A <demo>";
    r.started = "2026-12-03 20:00:00 UTC";
    r.paragraphs = {"What & why."};
    r.emulator = "relay";
    r.parameters = {{"rate", "10 Mbit/s"}};
    r.x_name = "RTT (ms)";
    r.y_unit = "ms";
    r.charts.push_back(
        {"Load time",
         "RTT (ms)",
         "ms",
         {{"measured", {{10, 100, 5}, {50, 300, 9}}, false}, {"formula", {{10, 110, 0}, {50, 290, 0}}, true}}});
    r.rows = {{"persistent", 10, 100, 5, 110, 3}, {"persistent", 50, 300, 9, 200, 10}};
    r.steps = {{"one load", "  1.0 ms  #1 C: GET / <b>"}};
    return r;
}

TEST(Report, ThePageHasTheParametersChartTableAndEscapedTranscripts)
{
    const auto html = report_html(sample_report());
    EXPECT_NE(html.find("<title>A &lt;demo&gt; — layer7 lab</title>"), std::string::npos);
    EXPECT_NE(html.find("<p>What &amp; why.</p>"), std::string::npos);
    EXPECT_NE(html.find("<td>rate</td><td>10 Mbit/s</td>"), std::string::npos);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_NE(html.find("-9.1 %"), std::string::npos);
    EXPECT_NE(html.find("class=\"far\">+50.0 %"), std::string::npos);  // beyond 15 %: marked
    EXPECT_NE(html.find("<summary>one load</summary>"), std::string::npos);
    EXPECT_NE(html.find("GET / &lt;b&gt;"), std::string::npos);
    EXPECT_EQ(html.find("<b>"), std::string::npos);
}

TEST(Report, TheChartDrawsMeasuredPointsWithErrorBarsAndTheFormulaDashed)
{
    const auto svg = svg_chart(sample_report().charts.front());
    EXPECT_EQ(svg.rfind("<svg", 0), 0u);
    std::size_t circles = 0, dashed = 0;
    for (auto at = svg.find("<circle"); at != std::string::npos; at = svg.find("<circle", at + 1))
        ++circles;
    for (auto at = svg.find("stroke-dasharray"); at != std::string::npos; at = svg.find("stroke-dasharray", at + 1))
        ++dashed;
    EXPECT_EQ(circles, 2u);
    EXPECT_EQ(dashed, 2u);  // the formula's line and the one legend entry for formulas
    EXPECT_NE(svg.find(">formula (dashed)</text>"), std::string::npos);
    EXPECT_EQ(svg.find(">formula</text>"), std::string::npos);
    EXPECT_NE(svg.find(">measured</text>"), std::string::npos);
}

TEST(Report, ResultsAsTabSeparatedText)
{
    EXPECT_EQ(results_tsv(sample_report()),
              "case\tRTT (ms)\tmeasured\thalf_width\truns\tformula\tdifference_percent\n"
              "persistent\t10.00\t100.00\t5.00\t3\t110.00\t-9.1\n"
              "persistent\t50.00\t300.00\t9.00\t10\t200.00\t50.0\n");
}

TEST(Report, TheIndexListsRunsAndSaysWhenThereAreNone)
{
    EXPECT_NE(index_html({}).find("No run yet."), std::string::npos);
    const auto html = index_html({{"20261203-200000-demo", "A demo", "2026-12-03"}});
    EXPECT_NE(html.find("<a href=\"20261203-200000-demo/\">A demo</a>"), std::string::npos);
}

}  // namespace
}  // namespace layer7::lab
