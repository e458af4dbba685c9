// The RTSP stats page: see stats_page.hpp.
#include "rtsp/stats_page.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "core/text/html_escape.hpp"

namespace layer7::rtsp {

namespace {

using core::html_escape;

std::string fixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

double loss_percent(const rtp::ReportBlock& b)
{
    return b.fraction_lost * 100.0 / 256.0;
}
double jitter_ms(const rtp::ReportBlock& b, std::uint32_t clock_rate)
{
    return b.jitter * 1000.0 / (clock_rate == 0 ? 90000 : clock_rate);
}

std::string mbit(std::uint32_t octets)
{
    return fixed(octets * 8.0 / 1e6, 2);
}

}  // namespace

std::string track_label(const Media& media)
{
    std::string label = media.kind;
    if (const auto map = media.rtpmap())
        label += " " + map->encoding + "/" + std::to_string(clock_rate_of(media));
    return label;
}

std::string stats_html(const StatsSnapshot& s)
{
    std::string out =
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" content=\"5\">"
        "<title>layer7 rtsp</title></head><body>\n<h1>layer7 RTSP server</h1>\n";
    out += "<h2>Live paths (" + std::to_string(s.streams.size()) + ")</h2>\n";
    if (s.streams.empty()) {
        out +=
            "<p>Nothing is being published. Publish with <code>ffmpeg -re -f lavfi -i testsrc -c:v libx264 -f rtsp "
            "rtsp://HOST:PORT/live</code>.</p>\n";
    } else {
        out +=
            "<table>\n<tr><th>path</th><th>publisher</th><th>tracks</th><th>packets in</th><th>readers</th>"
            "<th>idle (s)</th></tr>\n";
        for (const auto& st : s.streams) {
            std::string tracks;
            for (const auto& t : st.tracks)
                tracks += (tracks.empty() ? "" : "<br>") + html_escape(t);
            out += "<tr><td>" + html_escape(st.path) + "</td><td>" + html_escape(st.publisher) + "</td><td>" + tracks +
                   "</td><td>" + std::to_string(st.packets_in) + "</td><td>" + std::to_string(st.readers) +
                   "</td><td>" + fixed(st.idle, 1) + "</td></tr>\n";
        }
        out += "</table>\n";
    }
    out += "<h2>Readers (" + std::to_string(s.readers.size()) +
           ")</h2>\n<p>Sent: what we sent. Loss, cumulative lost, jitter and highest sequence: the reader's latest "
           "RTCP receiver report (RFC 3550 §6.4.2).</p>\n";
    if (!s.readers.empty()) {
        out +=
            "<table>\n<tr><th>reader</th><th>path</th><th>transport</th><th>for (s)</th><th>track</th>"
            "<th>packets sent</th><th>Mbit sent</th><th>loss (%)</th><th>lost</th><th>jitter (ms)</th>"
            "<th>highest seq</th><th>report age (s)</th></tr>\n";
        for (const auto& r : s.readers)
            for (const auto& t : r.tracks) {
                out += "<tr><td>" + html_escape(r.peer) + "</td><td>" + html_escape(r.path) +
                       (r.file ? " (file)" : "") + "</td><td>" + (r.tcp ? "TCP" : "UDP") + "</td><td>" +
                       fixed(r.seconds, 0) + "</td><td>" + html_escape(t.media) + "</td><td>" +
                       std::to_string(t.packets) + "</td><td>" + mbit(t.octets) + "</td>";
                if (t.report) {
                    const auto& b = *t.report;
                    out += "<td>" + fixed(loss_percent(b), 1) + "</td><td>" + std::to_string(b.cumulative_lost) +
                           "</td><td>" + fixed(jitter_ms(b, t.clock_rate), 2) + "</td><td>" +
                           std::to_string(b.highest_sequence) + "</td><td>" + fixed(t.report_age, 1) + "</td>";
                } else {
                    out += "<td colspan=\"5\">no receiver report yet</td>";
                }
                out += "</tr>\n";
            }
        out += "</table>\n";
    }
    out += "<p><a href=\"stats.json\">stats.json</a></p>\n</body></html>\n";
    return out;
}

std::string stats_json(const StatsSnapshot& s)
{
    nlohmann::json streams = nlohmann::json::array();
    for (const auto& st : s.streams)
        streams.push_back({{"path", st.path},
                           {"publisher", st.publisher},
                           {"tracks", st.tracks},
                           {"packets_in", st.packets_in},
                           {"readers", st.readers},
                           {"idle_seconds", st.idle}});
    nlohmann::json readers = nlohmann::json::array();
    for (const auto& r : s.readers) {
        nlohmann::json tracks = nlohmann::json::array();
        for (const auto& t : r.tracks) {
            nlohmann::json track = {
                {"track", t.track}, {"media", t.media}, {"packets_sent", t.packets}, {"octets_sent", t.octets}};
            if (t.report) {
                const auto& b = *t.report;
                track["receiver_report"] = {{"fraction_lost", b.fraction_lost},
                                            {"loss_percent", loss_percent(b)},
                                            {"cumulative_lost", b.cumulative_lost},
                                            {"highest_sequence", b.highest_sequence},
                                            {"jitter", b.jitter},
                                            {"jitter_ms", jitter_ms(b, t.clock_rate)},
                                            {"age_seconds", t.report_age}};
            } else {
                track["receiver_report"] = nullptr;
            }
            tracks.push_back(std::move(track));
        }
        readers.push_back({{"peer", r.peer},
                           {"path", r.path},
                           {"file", r.file},
                           {"transport", r.tcp ? "tcp" : "udp"},
                           {"seconds", r.seconds},
                           {"tracks", std::move(tracks)}});
    }
    return nlohmann::json{{"streams", std::move(streams)}, {"readers", std::move(readers)}}.dump(2) + "\n";
}

}  // namespace layer7::rtsp
