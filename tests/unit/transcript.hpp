// Test support: C:/S: transcripts in the --trace format, replayed against a pure session (FTP, SMTP,
// POP3). This loads the files and sorts their lines into kinds, and queues what a session wrote until
// the transcript's lines match it. What a line means, and how a line matches, is each protocol's.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
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
    enum class Kind { client, server, directive } kind;  // "C: text", "S: text", "@ text"
    std::string text;         // after "C: ", "S: " or "@ "; empty for a bare "C:" or "S:"
    std::size_t number = 0;   // in the file, from 1
    std::string where() const { return "line " + std::to_string(number); }
};

struct Transcript {
    std::string name;  // the file's name without .txt
    std::vector<TranscriptLine> lines;
};

// A transcript from its text. Blank lines and "#" comments are skipped and a CR before the LF is
// dropped; any other line that is not C:, S: or @ fails the test.
inline Transcript parse_transcript(std::string name, std::string_view text)
{
    Transcript t{std::move(name), {}};
    std::istringstream in{std::string(text)};
    std::size_t number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || line[0] == '#')
            continue;
        const auto kind = line.rfind("C:", 0) == 0   ? TranscriptLine::Kind::client
                          : line.rfind("S:", 0) == 0 ? TranscriptLine::Kind::server
                          : line.rfind("@ ", 0) == 0 ? TranscriptLine::Kind::directive
                                                     : std::optional<TranscriptLine::Kind>();
        if (!kind || (*kind != TranscriptLine::Kind::directive && line.size() > 2 && line[2] != ' ')) {
            ADD_FAILURE() << t.name << " line " << number << ": not a C:, S: or @ line: " << line;
            continue;
        }
        t.lines.push_back({*kind, line.size() > 3 ? line.substr(3) : std::string(), number});
        if (*kind == TranscriptLine::Kind::directive)
            t.lines.back().text = line.substr(2);
    }
    return t;
}

// Every *.txt in `dir`, sorted by name.
inline std::vector<Transcript> load_transcripts(const std::filesystem::path& dir)
{
    std::vector<Transcript> out;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".txt")
            continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        out.push_back(parse_transcript(entry.path().stem().string(), text.str()));
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    return out;
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
