#include "lab/transcript.hpp"

#include <cstdio>

namespace layer7::lab {

namespace {

constexpr std::size_t max_line = 160;

// The length of the character at the start of `bytes` if it is text (printable ASCII, a line end,
// tab, or a well-formed UTF-8 sequence), else 0.
std::size_t text_char(std::string_view bytes)
{
    const auto u = static_cast<unsigned char>(bytes[0]);
    if (u < 0x80)
        return (u >= 0x20 && u < 0x7f) || u == '\r' || u == '\n' || u == '\t' ? 1 : 0;
    const std::size_t n = u >= 0xf0 && u < 0xf5 ? 4 : u >= 0xe0 ? 3 : u >= 0xc2 && u < 0xe0 ? 2 : 0;
    if (n == 0 || bytes.size() < n)
        return 0;
    for (std::size_t i = 1; i < n; ++i)
        if ((static_cast<unsigned char>(bytes[i]) & 0xc0) != 0x80)
            return 0;
    return n;
}

// The text lines at the start of `bytes` (a protocol head), up to the first binary byte.
std::size_t text_prefix(std::string_view bytes)
{
    std::size_t n = 0;
    while (n < bytes.size()) {
        const std::size_t c = text_char(bytes.substr(n));
        if (c == 0)
            break;
        n += c;
    }
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

void Transcript::note(double ms, std::string_view text)
{
    emit(ms, "*: ", text);
}

}  // namespace layer7::lab
