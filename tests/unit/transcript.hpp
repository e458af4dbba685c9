// Test support: C:/S: transcripts in the --trace format, replayed against a pure session (FTP, SMTP,
// POP3, the IM index). This loads the files and sorts their lines into kinds, and queues what a
// session wrote until the transcript's lines match it. What a line means, and how a line matches, is
// each protocol's. A line may start as --trace prints it, with the time and the connection
// ("20:40:58.236 #1 C: WHO"): the time is dropped, the connection kept for dialogues of several.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::test {

struct TranscriptLine {
    // "C: text", "S: text", "@ text", "*: text" (the shell's note: "closed", "connection from …")
    enum class Kind { client, server, directive, note } kind;
    std::string text;              // after "C: ", "S: ", "*: " or "@ "; empty for a bare "C:" or "S:"
    std::size_t number = 0;        // in the file, from 1
    std::uint64_t connection = 0;  // N of a "#N " before the kind; 0 without
    std::string where() const { return "line " + std::to_string(number); }
};

struct Transcript {
    std::string name;  // the file's name without .txt
    std::vector<TranscriptLine> lines;
};

namespace detail {
// Takes --trace's "HH:MM:SS.mmm " off the front of `line`, if it is there.
inline void drop_time(std::string& line)
{
    constexpr std::string_view shape = "00:00:00.000 ";
    if (line.size() < shape.size())
        return;
    for (std::size_t i = 0; i < shape.size(); ++i)
        if (shape[i] == '0' ? !std::isdigit(static_cast<unsigned char>(line[i])) : line[i] != shape[i])
            return;
    line.erase(0, shape.size());
}

// Takes "#N " off the front of `line` and returns N; 0 (and `line` as it was) without one.
inline std::uint64_t take_connection(std::string& line)
{
    std::size_t end = 1;
    while (end < line.size() && std::isdigit(static_cast<unsigned char>(line[end])))
        ++end;
    if (line.empty() || line[0] != '#' || end == 1 || end >= line.size() || line[end] != ' ')
        return 0;
    const auto n = std::stoull(line.substr(1, end - 1));
    line.erase(0, end + 1);
    return n;
}
}  // namespace detail

// A transcript from its text. Blank lines and "#" comments ("#" not followed by a connection
// number) are skipped and a CR before the LF is dropped; any other line that is not C:, S:, *: or @
// fails the test.
inline Transcript parse_transcript(std::string name, std::string_view text)
{
    Transcript t{std::move(name), {}};
    std::istringstream in{std::string(text)};
    std::size_t number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        detail::drop_time(line);
        const std::uint64_t connection = detail::take_connection(line);
        if (line.empty() || (line[0] == '#' && connection == 0))
            continue;
        const auto kind = line.rfind("C:", 0) == 0   ? TranscriptLine::Kind::client
                          : line.rfind("S:", 0) == 0 ? TranscriptLine::Kind::server
                          : line.rfind("*:", 0) == 0 ? TranscriptLine::Kind::note
                          : line.rfind("@ ", 0) == 0 ? TranscriptLine::Kind::directive
                                                     : std::optional<TranscriptLine::Kind>();
        if (!kind || (*kind != TranscriptLine::Kind::directive && line.size() > 2 && line[2] != ' ')) {
            ADD_FAILURE() << t.name << " line " << number << ": not a C:, S:, *: or @ line: " << line;
            continue;
        }
        t.lines.push_back({*kind, line.size() > 3 ? line.substr(3) : std::string(), number, connection});
        if (*kind == TranscriptLine::Kind::directive)
            t.lines.back().text = line.substr(2);
    }
    return t;
}

// Every file in `dir` whose name ends in `extension`, sorted by name.
inline std::vector<Transcript> load_transcripts(const std::filesystem::path& dir, std::string_view extension = ".txt")
{
    std::vector<Transcript> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != extension)
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        out.push_back(parse_transcript(entry.path().stem().string(), text.str()));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
}

// Replays each transcript against a fresh Replayer — line() for each of its lines, then finish() —
// with the file and the line in every failure's trace.
template <class Replayer>
void replay_each(const std::vector<Transcript>& all, std::string_view extension = ".txt")
{
    for (const auto& t : all) {
        SCOPED_TRACE(t.name + std::string(extension));
        Replayer r;
        for (const auto& line : t.lines) {
            SCOPED_TRACE(line.where() + ": " + line.text);
            r.line(line);
        }
        SCOPED_TRACE("at the end");
        r.finish();
    }
}

// The lines a session wrote and the transcript has not matched yet, oldest first.
class Written {
public:
    // Appends the lines of `wire`, which must end each with CRLF.
    void add(std::string_view wire)
    {
        while (!wire.empty()) {
            const std::size_t end = wire.find("\r\n");
            if (end == std::string_view::npos) {
                ADD_FAILURE() << "written bytes not CRLF-terminated: " << wire;
                return;
            }
            lines_.emplace_back(wire.substr(0, end));
            wire.remove_prefix(end + 2);
        }
    }
    bool empty() const { return lines_.empty(); }
    std::size_t size() const { return lines_.size(); }
    // The oldest unmatched line, taken off; nullopt when there is none.
    std::optional<std::string> take()
    {
        if (lines_.empty())
            return std::nullopt;
        std::string line = std::move(lines_.front());
        lines_.pop_front();
        return line;
    }
    // Fails the test once for each unmatched line, and forgets them.
    void expect_drained()
    {
        for (const auto& line : lines_)
            ADD_FAILURE() << "unexpected line from the session: " << line;
        lines_.clear();
    }

private:
    std::deque<std::string> lines_;
};

}  // namespace layer7::test
