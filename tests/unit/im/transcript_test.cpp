// Replays tests/unit/im/transcripts/*.trace against IndexSessions sharing one Directory. The format
// is the --trace output of `layer7 im serve`, read by the shared harness (../transcript.hpp): "#N C:
// line" is fed to connection N's session (made at N's first line, from 127.0.0.1); the "#N S:" lines
// are what connection N must have been sent by the end — its replies and the pushes other sessions
// cause, in order (--trace may log a push before the line that causes it: another connection's
// "*: closed"); "#N *: closed" ends the session; other "*:" notes and "# " lines are comments.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "../transcript.hpp"
#include "im/index_session.hpp"

namespace layer7::im {
namespace {

// One connection of the transcript: its session, what it was sent, and what the S: lines say it was.
struct Connection {
    std::unique_ptr<IndexSession> session;
    test::Written written;
    std::vector<std::string> expected;
};

class Replayer {
public:
    void line(const test::TranscriptLine& line)
    {
        using Kind = test::TranscriptLine::Kind;
        Connection& c = connection(line.connection);
        if (line.kind == Kind::client)
            deliver(line.connection, c.session->on_line(line.text));
        else if (line.kind == Kind::server)
            c.expected.push_back(line.text);
        else if (line.kind == Kind::note && line.text == "closed")
            deliver(line.connection, c.session->on_end());
        else if (line.kind == Kind::directive)
            ADD_FAILURE() << "an IM transcript has no @ directives";
    }

    // Each connection was sent its S: lines, in order, and nothing else.
    void finish()
    {
        for (auto& [id, c] : connections_) {
            SCOPED_TRACE("connection #" + std::to_string(id));
            for (const auto& want : c.expected)
                EXPECT_EQ(c.written.take().value_or("(nothing)"), want);
            c.written.expect_drained();
        }
    }

private:
    Connection& connection(SessionId id)
    {
        Connection& c = connections_[id];
        if (!c.session) {
            c.session = std::make_unique<IndexSession>(directory_, id, policy_, "127.0.0.1");
            c.written.add(c.session->greeting());
        }
        return c;
    }

    void deliver(SessionId id, const IndexStep& step)
    {
        connections_[id].written.add(step.wire);
        for (const auto& push : step.pushes)
            connection(push.to).written.add(push.line);
    }

    IndexPolicy policy_{.max_errors = 10};
    Directory directory_;
    std::map<SessionId, Connection> connections_;
};

TEST(ImTranscripts, ReplayAgainstTheIndexSession)
{
    const auto all = test::load_transcripts(LAYER7_IM_TRANSCRIPTS, ".trace");
    ASSERT_GE(all.size(), 2u);
    for (const auto& t : all)
        EXPECT_GT(t.lines.size(), 10u) << t.name;
    test::replay_each<Replayer>(all, ".trace");
}

}  // namespace
}  // namespace layer7::im
