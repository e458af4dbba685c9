// A torrent's progress as a line or as JSON: see progress.hpp.
#include "torrent/progress.hpp"

#include <cstdio>

#include "core/text/json_string.hpp"

namespace layer7::torrent {

namespace {

double percent(const Progress& p)
{
    return p.size == 0 ? 100.0 : 100.0 * static_cast<double>(p.size - p.left) / static_cast<double>(p.size);
}

// A number for JSON: finite, at most 3 decimals, no exponent for the sizes met here.
std::string number(double v)
{
    char text[48];
    std::snprintf(text, sizeof text, "%.3f", v);
    std::string out = text;
    while (out.back() == '0')
        out.pop_back();
    if (out.back() == '.')
        out.pop_back();
    return out;
}

}  // namespace

double ratio(const Progress& p)
{
    return p.size == 0 ? 0.0 : static_cast<double>(p.uploaded) / static_cast<double>(p.size);
}

double eta_seconds(const Progress& p)
{
    if (p.left == 0)
        return 0;
    return p.down_rate > 0 ? static_cast<double>(p.left) / p.down_rate : -1;
}

std::string human_bytes(double n)
{
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (n >= 1024 && u < 4) {
        n /= 1024;
        ++u;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", n, units[u]);
    return text;
}

std::string progress_line(const Progress& p)
{
    const double eta = eta_seconds(p);
    const std::string eta_text = p.left == 0 ? "done" : eta < 0 ? "?" : std::to_string(static_cast<long>(eta)) + "s";
    char line[256];
    std::snprintf(line, sizeof line, "%5.1f%%  %zu/%zu pieces  %zu peers  down %s/s  up %s/s  ratio %.2f  ETA %s",
                  percent(p), p.pieces_have, p.pieces, p.peers, human_bytes(p.down_rate).c_str(),
                  human_bytes(p.up_rate).c_str(), ratio(p), eta_text.c_str());
    return line;
}

std::string progress_json(const Progress& p, std::string_view event)
{
    const double eta = eta_seconds(p);
    std::string out = "{\"event\":" + core::json_string(event);
    out += ",\"name\":" + core::json_string(p.name);
    out += ",\"info_hash\":" + core::json_string(p.info_hash);
    out += ",\"pieces\":" + std::to_string(p.pieces);
    out += ",\"pieces_have\":" + std::to_string(p.pieces_have);
    out += ",\"size\":" + std::to_string(p.size);
    out += ",\"left\":" + std::to_string(p.left);
    out += ",\"percent\":" + number(percent(p));
    out += ",\"peers\":" + std::to_string(p.peers);
    out += ",\"downloaded\":" + std::to_string(p.downloaded);
    out += ",\"uploaded\":" + std::to_string(p.uploaded);
    out += ",\"down_rate\":" + number(p.down_rate);
    out += ",\"up_rate\":" + number(p.up_rate);
    out += ",\"ratio\":" + number(ratio(p));
    out += ",\"eta\":" + (eta < 0 ? std::string("null") : number(eta));
    out += ",\"seconds\":" + number(p.seconds);
    return out + "}";
}

}  // namespace layer7::torrent
