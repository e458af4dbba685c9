// Replays tests/unit/ftp/transcripts/*.txt against ControlSession. The format is --trace's: "C: line"
// is fed to the session; "S: line" must equal the next reply line sent ("S: 226" checks the code only).
// "#" starts a comment. "@" lines stand for the shell, feeding an action's outcome or checking it:
//   @ login ok|ok-write|fail   @ passive PORT   @ tls   @ too_long   @ timeout
//   @ fs ok [dir] [size=N] [mtime=T] [name=X]  |  @ fs not_found|denied|escape|exists|not_empty|no_space|…
//   @ list now=T NAME:SIZE[:d] …   (a directory's entries; mtime is `now`)
//   @ transfer ok|no_connection|aborted|local_error|no_space
//   @ action OP   (the last step asked for OP: login, open_passive, list, open_read, transfer, close…)
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "../transcript.hpp"
#include "ftp/control_session.hpp"

namespace layer7::ftp {
namespace {

Policy test_policy()
{
    Policy p;
    p.anonymous = true;
    p.tls_available = true;
    return p;
}

const std::map<std::string, Op> op_names = {{"none", Op::none},
                                            {"login", Op::login},
                                            {"start_tls", Op::start_tls},
                                            {"open_passive", Op::open_passive},
                                            {"stat", Op::stat},
                                            {"change_dir", Op::change_dir},
                                            {"list", Op::list},
                                            {"open_read", Op::open_read},
                                            {"open_write", Op::open_write},
                                            {"remove_file", Op::remove_file},
                                            {"remove_dir", Op::remove_dir},
                                            {"make_dir", Op::make_dir},
                                            {"rename", Op::rename},
                                            {"transfer", Op::transfer},
                                            {"close", Op::close}};

const std::map<std::string, FsError> fs_errors = {{"not_found", FsError::not_found},
                                                  {"not_directory", FsError::not_directory},
                                                  {"is_directory", FsError::is_directory},
                                                  {"exists", FsError::exists},
                                                  {"denied", FsError::denied},
                                                  {"escape", FsError::escape},
                                                  {"not_empty", FsError::not_empty},
                                                  {"no_space", FsError::no_space},
                                                  {"io", FsError::io}};

const std::map<std::string, TransferResult> transfer_results = {{"ok", TransferResult::ok},
                                                                {"no_connection", TransferResult::no_connection},
                                                                {"aborted", TransferResult::aborted},
                                                                {"local_error", TransferResult::local_error},
                                                                {"no_space", TransferResult::no_space}};

class Replayer {
public:
    Replayer() { written_.add(core::to_wire(session_.greeting(), reply_syntax)); }

    void line(const test::TranscriptLine& line)
    {
        using Kind = test::TranscriptLine::Kind;
        if (line.kind == Kind::client)
            push(session_.on_line(line.text));
        else if (line.kind == Kind::server)
            expect(line.text);
        else
            directive(line.text);
    }

    void finish() { written_.expect_drained(); }

private:
    void push(const Step& step)
    {
        last_ = step.action.op;
        written_.add(core::to_wire(step.replies, reply_syntax));
    }

    void expect(const std::string& want)
    {
        const auto got = written_.take();
        ASSERT_TRUE(got) << "expected " << want << " but the session said nothing";
        if (want.size() == 3)
            EXPECT_EQ(got->substr(0, 3), want);
        else
            EXPECT_EQ(*got, want);
    }

    void directive(const std::string& text)
    {
        std::istringstream in(text);
        std::string verb, arg;
        in >> verb;
        if (verb == "login") {
            in >> arg;
            push(session_.on_login(arg != "fail", arg == "ok-write"));
        } else if (verb == "passive") {
            unsigned port = 0;
            in >> port;
            push(session_.on_passive_opened(static_cast<std::uint16_t>(port)));
        } else if (verb == "tls") {
            push(session_.on_tls_started());
        } else if (verb == "too_long") {
            push(session_.on_line_too_long());
        } else if (verb == "timeout") {
            push(session_.on_timeout());
        } else if (verb == "fs") {
            FsResult r;
            while (in >> arg) {
                if (fs_errors.count(arg))
                    r.error = fs_errors.at(arg);
                else if (arg == "dir")
                    r.info.directory = true;
                else if (arg.rfind("size=", 0) == 0)
                    r.info.size = std::stoull(arg.substr(5));
                else if (arg.rfind("mtime=", 0) == 0)
                    r.info.mtime = std::stoll(arg.substr(6));
                else if (arg.rfind("name=", 0) == 0)
                    r.info.name = arg.substr(5);
            }
            push(session_.on_fs(r));
        } else if (verb == "list") {
            FsResult r;
            while (in >> arg) {
                if (arg.rfind("now=", 0) == 0) {
                    r.now = std::stoll(arg.substr(4));
                    continue;
                }
                FileInfo f;
                std::istringstream parts(arg);
                std::string size, kind;
                std::getline(parts, f.name, ':');
                std::getline(parts, size, ':');
                std::getline(parts, kind, ':');
                f.size = std::stoull(size);
                f.directory = kind == "d";
                f.mode = f.directory ? 0755 : 0644;
                f.links = f.directory ? 2 : 1;
                f.mtime = r.now;
                r.entries.push_back(f);
            }
            push(session_.on_fs(r));
        } else if (verb == "transfer") {
            in >> arg;
            ASSERT_TRUE(transfer_results.count(arg)) << arg;
            push(session_.on_transfer_done(transfer_results.at(arg)));
        } else if (verb == "action") {
            in >> arg;
            ASSERT_TRUE(op_names.count(arg)) << arg;
            EXPECT_EQ(last_, op_names.at(arg)) << "expected action " << arg;
        } else {
            ADD_FAILURE() << "unknown directive " << verb;
        }
    }

    Policy policy_ = test_policy();
    ControlSession session_{policy_, {*parse_ip("192.0.2.10"), *parse_ip("192.0.2.1")}};
    test::Written written_;
    Op last_ = Op::none;
};

TEST(FtpTranscripts, ReplayEveryFile)
{
    const auto all = test::load_transcripts(LAYER7_FTP_TRANSCRIPTS);
    ASSERT_GE(all.size(), 4u);
    test::replay_each<Replayer>(all);
}

}  // namespace
}  // namespace layer7::ftp
