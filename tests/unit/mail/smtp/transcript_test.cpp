// Replays tests/unit/mail/smtp/transcripts/*.txt against ServerSession. The format is the --trace
// format: "C: line" is fed to the session, "S: 250 text" must match the next reply line — the code
// exactly, the text as a prefix after our enhanced status code (so the textbook's dialogue
// matches replies that carry "2.1.0", and may skip our domain, which RFC 5321 §4.1.1.1 puts first
// in the HELO reply); "S: 250" checks the code only. "#" starts a comment.
// "@ key value" lines set the Policy before the first line or act between lines:
//   @ tls | @ submission | @ trusted | @ loopback | @ local DOMAIN | @ user ADDRESS
//   @ login USER PASSWORD | @ max_recipients N | @ max_message_bytes N
//   @ too_long (on_line_too_long) | @ bare_lf TEXT (a line ended by bare LF) | @ queue_fails
//   @ closed (the session asked to close)
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

#include "../../transcript.hpp"
#include "mail/smtp/server_session.hpp"

namespace layer7::mail::smtp {
namespace {

constexpr std::string_view hostname = "hamburger.edu";

void expect_match(const std::string& expected, const std::string& actual)
{
    ASSERT_GE(actual.size(), 3u);
    EXPECT_EQ(expected.substr(0, 3), actual.substr(0, 3)) << "expected " << expected << "\n  actual " << actual;
    if (expected.size() > 3 && expected[3] == '-') {
        EXPECT_EQ(actual.substr(3, 1), "-") << actual;
    }
    if (expected.size() <= 4)
        return;
    const std::string want = expected.substr(4);
    std::string_view have = actual.size() > 4 ? std::string_view(actual).substr(4) : std::string_view();
    const std::string_view code = enhanced_code(have);
    if (!code.empty() && enhanced_code(want).empty())
        have.remove_prefix(std::min(have.size(), code.size() + 1));
    std::string_view after_domain = have;
    if (after_domain.rfind(hostname, 0) == 0 && want.rfind(hostname, 0) != 0)
        after_domain.remove_prefix(std::min(after_domain.size(), hostname.size() + 1));
    EXPECT_TRUE(have.substr(0, want.size()) == want || after_domain.substr(0, want.size()) == want)
        << "expected " << expected << "\n  actual " << actual;
}

void replay(const test::Transcript& t)
{
    Policy policy;
    policy.hostname = std::string(hostname);
    Client client{"192.0.2.1", "", false};
    std::set<std::string> users, locals;
    std::vector<std::pair<std::string, std::string>> logins;
    std::size_t i = 0;
    using Kind = test::TranscriptLine::Kind;
    for (; i < t.lines.size() && t.lines[i].kind == Kind::directive; ++i) {
        std::istringstream words(t.lines[i].text);
        std::string key, a, b;
        words >> key >> a >> b;
        if (key == "tls")
            policy.tls_available = true;
        else if (key == "submission")
            policy.submission = true;
        else if (key == "trusted")
            policy.client_trusted = true;
        else if (key == "loopback")
            client.loopback = true;
        else if (key == "local")
            locals.insert(a);
        else if (key == "user")
            users.insert(a);
        else if (key == "login")
            logins.emplace_back(a, b);
        else if (key == "max_recipients")
            policy.max_recipients = std::stoul(a);
        else if (key == "max_message_bytes")
            policy.max_message_bytes = std::stoul(a);
        else
            FAIL() << "unknown directive " << t.lines[i].text;
    }
    if (!locals.empty())
        policy.is_local = [&](std::string_view d) { return locals.count(std::string(d)) > 0; };
    if (!users.empty())
        policy.accepts_recipient = [&](std::string_view a) { return users.count(std::string(a)) > 0; };
    if (!logins.empty())
        policy.check_credentials = [&](std::string_view u, std::string_view p) {
            return std::find(logins.begin(), logins.end(), std::pair{std::string(u), std::string(p)}) != logins.end();
        };
    ServerSession session(policy, client);
    test::Written written;
    written.add(core::to_wire(session.greeting(), reply_syntax));
    bool queue_fails = false;
    int queued = 0;
    // The S: lines that follow must match what the session wrote, all of it.
    const auto check_written = [&](std::size_t& at) {
        for (; at < t.lines.size() && t.lines[at].kind == Kind::server; ++at) {
            const auto actual = written.take();
            ASSERT_TRUE(actual) << t.lines[at].where() << " " << t.lines[at].text << ": the session said nothing more";
            expect_match(t.lines[at].text, *actual);
        }
        written.expect_drained();
    };
    check_written(i);
    std::string content;  // of the message being received
    while (i < t.lines.size()) {
        const test::TranscriptLine& line = t.lines[i++];
        SCOPED_TRACE(line.where() + ": " + line.text);
        Step step;
        if (line.kind == Kind::client) {
            step = session.on_line(line.text);
        } else if (line.kind == Kind::directive && line.text.rfind("bare_lf", 0) == 0) {
            step = session.on_line(line.text.size() > 8 ? line.text.substr(8) : "", core::LineEnd::bare_lf);
        } else if (line.kind == Kind::directive && line.text == "too_long") {
            step = session.on_line_too_long();
        } else if (line.kind == Kind::directive && line.text == "queue_fails") {
            queue_fails = true;
            continue;
        } else if (line.kind == Kind::directive && line.text == "closed") {
            EXPECT_TRUE(session.closed());
            continue;
        } else {
            FAIL() << "unexpected transcript line";
        }
        if (step.begin_message)
            content.clear();
        content += step.content;
        if (step.end == MessageEnd::commit) {
            EXPECT_EQ(content.rfind("Received: from ", 0), 0u);
            step = session.on_queued(queue_fails ? std::make_error_code(std::errc::io_error) : std::error_code(),
                                     "Q" + std::to_string(++queued));
        }
        if (step.next == Next::start_tls)
            session.on_tls_started();
        written.add(core::to_wire(step.replies, reply_syntax));
        check_written(i);
    }
}

TEST(SmtpTranscripts, ReplayAll)
{
    const auto all = test::load_transcripts(LAYER7_SMTP_TRANSCRIPTS);
    EXPECT_GE(all.size(), 5u);
    for (const auto& t : all) {
        SCOPED_TRACE(t.name);
        replay(t);
    }
}

}  // namespace
}  // namespace layer7::mail::smtp
