// Replays tests/unit/mail/pop3/transcripts/*.txt against pop3::Session with a fake shell. The format
// is the --trace format: "C: line" is fed to the session; each "S: text" must be a prefix of the
// next line the session wrote ("S: +OK" matches any +OK); "S: ..." skips lines up to the one that
// matches the next "S:". Every written line must be matched before the next "C:". "#" comments.
// "@ key value" lines set up the fake shell (before or between lines):
//   @ tls | @ plaintext | @ loopback | @ max_auth_failures N | @ max_errors N     (policy / client)
//   @ login USER PASSWORD          credentials check_credentials accepts
//   @ message SIZE                 a message of exactly SIZE octets (CRLF), uid "uidN"
//   @ message-text TEXT            a message with this content ("\n" escapes)
//   @ in_use | @ open_fails | @ unreadable | @ commit_fails     the next such action fails
//   @ too_long                     on_line_too_long()
//   @ delay MS                     the last Step asked to wait MS milliseconds
//   @ deleted N…  | @ seen N…      the commit deleted / flagged exactly these (1-based; "-" none)
//   @ closed                       the session asked to close
//   @ opened USER                  the shell was asked to open USER's maildrop
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "../../transcript.hpp"
#include "mail/pop3/session.hpp"

namespace layer7::mail::pop3 {
namespace {

std::string unescape(std::string_view text)
{
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == 'r')) {
            out += text[i + 1] == 'n' ? '\n' : '\r';
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

// A stored (LF) message whose CRLF size is exactly `size` octets.
std::string message_of_size(std::size_t size, std::size_t n)
{
    std::string header = "Subject: message " + std::to_string(n) + "\n\n";
    std::string out = header;
    std::size_t wire = header.size() + 2;  // two LFs become CRLFs
    while (wire < size) {
        const std::size_t room = size - wire;
        if (room > 74) {
            out += std::string(70, 'x') + "\n";
            wire += 72;
        } else if (room >= 3) {
            out += std::string(room - 2, 'y') + "\n";
            wire = size;
        } else {
            out += "\n";  // 2 octets
            wire += 2;
            if (wire > size)
                break;
        }
    }
    return out;
}

std::vector<std::size_t> numbers(std::string_view text)
{
    std::vector<std::size_t> out;
    std::istringstream in{std::string(text)};
    for (std::string w; in >> w;)
        if (w != "-")
            out.push_back(std::stoul(w));
    return out;
}

class Replay {
public:
    void run(const test::Transcript& t)
    {
        using Kind = test::TranscriptLine::Kind;
        std::size_t i = 0;
        for (; i < t.lines.size() && t.lines[i].kind == Kind::directive; ++i)
            directive(t.lines[i].text, true);
        session_.emplace(policy_, client_);
        written_.add(session_->greeting());
        for (; i < t.lines.size(); ++i) {
            const test::TranscriptLine& line = t.lines[i];
            SCOPED_TRACE(line.where() + ": " + line.text);
            if (line.kind == Kind::client) {
                expect_drained();
                feed(session_->on_line(line.text));
            } else if (line.kind == Kind::server) {
                expect(line.text);
            } else {
                directive(line.text, false);
            }
        }
        expect_drained();
    }

private:
    void directive(const std::string& d, bool setup)
    {
        const auto space = d.find(' ');
        const std::string key = d.substr(0, space);
        const std::string value = space == std::string::npos ? "" : d.substr(space + 1);
        if (key == "tls")
            policy_.tls_available = true;
        else if (key == "plaintext")
            policy_.plaintext_auth = true;
        else if (key == "loopback")
            client_.loopback = true;
        else if (key == "max_auth_failures")
            policy_.max_auth_failures = std::stoul(value);
        else if (key == "max_errors")
            policy_.max_errors = std::stoul(value);
        else if (key == "login") {
            const auto sp = value.find(' ');
            logins_.emplace_back(value.substr(0, sp), value.substr(sp + 1));
        } else if (key == "message")
            add_message(message_of_size(std::stoul(value), messages_.size() + 1));
        else if (key == "message-text")
            add_message(unescape(value));
        else if (key == "in_use")
            fail_open_ = OpenResult::in_use;
        else if (key == "open_fails")
            fail_open_ = OpenResult::failed;
        else if (key == "unreadable")
            fail_read_ = true;
        else if (key == "commit_fails")
            fail_commit_ = true;
        else if (key == "too_long") {
            expect_drained();
            feed(session_->on_line_too_long());
        } else if (key == "delay")
            EXPECT_EQ(last_delay_.count(), std::stol(value));
        else if (key == "deleted")
            EXPECT_EQ(committed_deletions_, numbers(value));
        else if (key == "seen")
            EXPECT_EQ(committed_seen_, numbers(value));
        else if (key == "closed")
            EXPECT_TRUE(closed_);
        else if (key == "opened")
            EXPECT_EQ(opened_, value);
        else
            ADD_FAILURE() << "unknown directive " << key;
        if (setup)
            policy_.check_credentials = [this](std::string_view u, std::string_view p) {
                return std::find(logins_.begin(), logins_.end(), std::pair{std::string(u), std::string(p)}) !=
                       logins_.end();
            };
    }

    void add_message(std::string content)
    {
        std::size_t wire = 0;
        for (std::size_t i = 0; i < content.size(); ++i)
            wire += content[i] == '\n' && (i == 0 || content[i - 1] != '\r') ? 2 : 1;
        if (!content.empty() && content.back() != '\n')
            wire += 2;
        infos_.push_back({wire, "uid" + std::to_string(messages_.size() + 1)});
        messages_.push_back(std::move(content));
    }

    // Plays the fake shell until the session wants the next line.
    void feed(Step step)
    {
        last_delay_ = step.delay;
        for (;;) {
            written_.add(step.wire);
            switch (step.action) {
            case Action::read_line: return;
            case Action::start_tls: session_->on_tls_started(); return;
            case Action::close: closed_ = true; return;
            case Action::open_mailbox:
                opened_ = step.user;
                if (fail_open_) {
                    step = session_->on_mailbox(*std::exchange(fail_open_, std::nullopt), {});
                } else {
                    step = session_->on_mailbox(OpenResult::ok, infos_);
                }
                break;
            case Action::read_message:
                if (std::exchange(fail_read_, false))
                    step = session_->on_message(std::nullopt);
                else
                    step = session_->on_message(messages_.at(step.message));
                break;
            case Action::commit:
                committed_deletions_.clear();
                committed_seen_.clear();
                for (auto d : step.deletions)
                    committed_deletions_.push_back(d + 1);
                for (auto s : step.retrieved)
                    committed_seen_.push_back(s + 1);
                step = session_->on_committed(fail_commit_ ? std::make_error_code(std::errc::io_error)
                                                           : std::error_code{});
                break;
            }
        }
    }

    void expect(const std::string& want)
    {
        if (want == "...") {
            skipping_ = true;
            return;
        }
        while (const auto have = written_.take()) {
            if (want.empty() ? have->empty() : have->rfind(want, 0) == 0) {
                skipping_ = false;
                return;
            }
            if (!skipping_) {
                ADD_FAILURE() << "expected " << want << "\n    actual " << *have;
                return;
            }
        }
        ADD_FAILURE() << "expected " << want << " but the session wrote nothing more";
    }

    void expect_drained()
    {
        EXPECT_FALSE(skipping_) << "\"S: ...\" must be followed by an S: line";
        written_.expect_drained();
    }

    Policy policy_;
    Client client_;
    std::optional<Session> session_;
    std::vector<std::pair<std::string, std::string>> logins_;
    std::vector<std::string> messages_;
    std::vector<MessageInfo> infos_;
    std::optional<OpenResult> fail_open_;
    bool fail_read_ = false, fail_commit_ = false, closed_ = false, skipping_ = false;
    std::string opened_;
    std::vector<std::size_t> committed_deletions_, committed_seen_;
    std::chrono::milliseconds last_delay_{0};
    test::Written written_;
};

TEST(Pop3Transcripts, AllReplay)
{
    const auto all = test::load_transcripts(LAYER7_POP3_TRANSCRIPTS);
    ASSERT_GE(all.size(), 5u);
    for (const auto& t : all) {
        SCOPED_TRACE(t.name);
        Replay().run(t);
    }
}

TEST(Pop3Transcripts, MessageOfSizeIsExact)
{
    for (std::size_t size : {22u, 24u, 25u, 94u, 95u, 96u, 97u, 498u, 912u}) {
        const std::string m = message_of_size(size, 1);
        std::size_t wire = 0;
        for (char c : m)
            wire += c == '\n' ? 2 : 1;
        EXPECT_EQ(wire, size) << size;
    }
}

}  // namespace
}  // namespace layer7::mail::pop3
