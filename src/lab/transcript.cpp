#include "lab/transcript.hpp"

#include <cstdio>

namespace layer7::lab {

namespace {

constexpr std::size_t max_line = 160;

bool printable(char c)
{
    const auto u = static_cast<unsigned char>(c);
    return (u >= 0x20 && u < 0x7f) || c == '\r' || c == '\n' || c == '\t' || u >= 0x80;
}

// The text lines at the start of `bytes` (a protocol head), up to the first binary byte.
std::size_t text_prefix(std::string_view bytes)
{
    std::size_t n = 0;
    while (n < bytes.size() && printable(bytes[n]) && bytes[n] != '\0')
        ++n;
    // The text ends at the last line end before the binary part (unless it is all text).
    if (n < bytes.size()) {
        const auto end = bytes.substr(0, n).rfind('\n');
        n = end == std::string_view::npos ? 0 : end + 1;
    }
    return n;
}

}  // namespace

void Transcript::emit(double ms, std::string_view prefix, std::string_view line)
{
    if (lines_ >= max_lines_) {
        if (!cut_)
            text_ += "… (cut: more than " + std::to_string(max_lines_) + " lines)\n";
        cut_ = true;
        return;
    }
    ++lines_;
    char time[32];
    std::snprintf(time, sizeof time, "%9.1f ms  ", ms);
    text_ += time;
    text_ += prefix;
    if (line.size() > max_line) {
        text_ += line.substr(0, max_line);
        text_ += "…";
    } else {
        text_ += line;
    }
    text_ += '\n';
}

void Transcript::add(double ms, std::uint64_t connection, bool from_client, std::string_view bytes)
{
    const std::string prefix = "#" + std::to_string(connection) + (from_client ? " C: " : " S: ");
    const std::size_t text = text_prefix(bytes);
    std::string_view lines = bytes.substr(0, text);
    while (!lines.empty()) {
        const auto end = lines.find('\n');
        std::string_view line = lines.substr(0, end);
        if (line.ends_with('\r'))
            line.remove_suffix(1);
        emit(ms, prefix, line);
        lines = end == std::string_view::npos ? std::string_view{} : lines.substr(end + 1);
    }
    if (text < bytes.size())
        emit(ms, prefix, "[" + std::to_string(bytes.size() - text) + " bytes of content]");
}

void Transcript::note(double ms, std::string_view text) { emit(ms, "*: ", text); }

}  // namespace layer7::lab
