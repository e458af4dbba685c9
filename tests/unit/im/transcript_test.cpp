// Replays tests/unit/im/transcripts/*.trace against IndexSessions sharing one Directory. The format
// is the --trace output of `layer7 im serve` ("HH:MM:SS.mmm " optional): "#N C: line" is fed to
// connection N's session (made at N's first line, from 127.0.0.1), "#N S: line" is what connection
// N must receive, in order — its replies and the pushes other sessions cause; "#N *: closed" ends
// the session; other "*" notes and lines starting with "#" and a space are comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>

#include "im/index_session.hpp"

namespace layer7::im {
namespace {

std::vector<std::string> lines_of(const std::string& wire)
{
    std::vector<std::string> out;
    for (std::size_t start = 0, end; (end = wire.find("\r\n", start)) != std::string::npos; start = end + 2)
        out.push_back(wire.substr(start, end - start));
    return out;
}

std::vector<std::filesystem::path> transcripts()
{
    std::vector<std::filesystem::path> out;
    for (const auto& entry : std::filesystem::directory_iterator(LAYER7_IM_TRANSCRIPTS))
        if (entry.path().extension() == ".trace")
            out.push_back(entry.path());
    std::sort(out.begin(), out.end());
    return out;
}

TEST(ImTranscripts, ReplayAgainstTheIndexSession)
{
    const auto files = transcripts();
    ASSERT_GE(files.size(), 2u);
    const std::regex trace_line(R"(^(?:\d\d:\d\d:\d\d\.\d{3} )?#(\d+) ([CS*]): (.*)$)");
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        IndexPolicy policy;
        policy.max_errors = 10;
        Directory directory;
        std::map<SessionId, std::unique_ptr<IndexSession>> sessions;
        std::map<SessionId, std::vector<std::string>> expected, got;
        const auto deliver = [&](SessionId id, const IndexStep& step) {
            for (auto& l : lines_of(step.wire))
                got[id].push_back(l);
            for (const auto& push : step.pushes)
                for (auto& l : lines_of(push.line))
                    got[push.to].push_back(l);
        };
        std::ifstream in(file);
        int lines = 0;
        for (std::string line; std::getline(in, line);) {
            std::smatch m;
            if (!std::regex_match(line, m, trace_line))
                continue;  // a comment
            ++lines;
            const SessionId id = std::stoull(m[1].str());
            if (!sessions.contains(id)) {
                sessions.emplace(id, std::make_unique<IndexSession>(directory, id, policy, "127.0.0.1"));
                got[id] = lines_of(sessions[id]->greeting());
            }
            const std::string who = m[2].str(), text = m[3].str();
            if (who == "C")
                deliver(id, sessions[id]->on_line(text));
            else if (who == "S")
                expected[id].push_back(text);
            else if (text == "closed")
                deliver(id, sessions[id]->on_end());
        }
        EXPECT_GT(lines, 10);
        for (const auto& [id, want] : expected)
            EXPECT_EQ(got[id], want) << "connection #" << id;
    }
}

}  // namespace
}  // namespace layer7::im
