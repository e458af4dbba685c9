// ControlSession: login rules, the bounce defence, passive replies, write permission, escapes and
// the two-step transfer flow, driven without sockets or files.
#include <gtest/gtest.h>

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

struct Fixture {
    Policy policy = test_policy();
    ControlSession session{policy, {*parse_ip("192.0.2.10"), *parse_ip("192.0.2.1")}};

    int code(std::string_view line)
    {
        Step s = session.on_line(line);
        return s.replies.empty() ? 0 : s.replies.back().code;
    }
    void login(bool writable = true)
    {
        session.on_line("USER alice");
        Step s = session.on_line("PASS secret");
        ASSERT_EQ(s.action.op, Op::login);
        EXPECT_EQ(s.action.user, "alice");
        EXPECT_EQ(s.action.password, "secret");
        EXPECT_FALSE(s.action.anonymous);
        EXPECT_EQ(session.on_login(true, writable).replies[0].code, 230);
    }
};

TEST(FtpSession, CommandsBeforeLoginGet530)
{
    Fixture f;
    for (const char* line : {"LIST", "RETR x", "CWD /", "PASV", "PORT 192,0,2,10,4,1", "STOR x", "PWD", "SIZE x"})
        EXPECT_EQ(f.code(line), 530) << line;
    EXPECT_EQ(f.code("FEAT"), 211);
    EXPECT_EQ(f.code("SYST"), 215);
    EXPECT_EQ(f.code("NOOP"), 200);
    EXPECT_EQ(f.code("PASS x"), 503);  // USER first
    EXPECT_EQ(f.code("XYZZY"), 500);
    EXPECT_EQ(f.session.on_line_too_long().replies[0].code, 500);
}

TEST(FtpSession, AnonymousIsReadOnly)
{
    Fixture f;
    EXPECT_EQ(f.code("USER anonymous"), 331);
    Step s = f.session.on_line("PASS guest@");
    EXPECT_TRUE(s.action.anonymous);
    f.session.on_login(true, true);  // even if the shell said writable
    EXPECT_FALSE(f.session.writable());
    for (const char* line : {"STOR x", "APPE x", "STOU", "DELE x", "MKD d", "RMD d", "RNFR x"})
        EXPECT_EQ(f.code(line), 550) << line;
}

TEST(FtpSession, GuestNamesAreUsersWhenAnonymousIsOff)
{
    Fixture f;
    f.policy.anonymous = false;
    f.session.on_line("USER ftp");
    EXPECT_FALSE(f.session.on_line("PASS x").action.anonymous);
}

TEST(FtpSession, TooManyFailedLoginsClose)
{
    Fixture f;
    for (int i = 0; i < 2; ++i) {
        f.session.on_line("USER bob");
        f.session.on_line("PASS wrong");
        EXPECT_EQ(f.session.on_login(false, false).replies[0].code, 530);
    }
    f.session.on_line("USER bob");
    f.session.on_line("PASS wrong");
    Step s = f.session.on_login(false, false);
    EXPECT_EQ(s.replies[0].code, 421);
    EXPECT_EQ(s.action.op, Op::close);
}

TEST(FtpSession, BounceDefence)
{
    Fixture f;
    f.login();
    EXPECT_EQ(f.code("PORT 192,0,2,10,4,1"), 200);      // the client's own address
    EXPECT_EQ(f.code("PORT 198,51,100,7,0,25"), 504);   // a third party's SMTP port
    EXPECT_EQ(f.code("PORT 198,51,100,7,200,0"), 504);  // a third party
    EXPECT_EQ(f.code("PORT 192,0,2,10,0,21"), 504);     // a privileged port
    EXPECT_EQ(f.code("PORT 192,0,2,10"), 501);
    EXPECT_EQ(f.code("EPRT |1|192.0.2.10|5000|"), 200);
    EXPECT_EQ(f.code("EPRT |1|198.51.100.7|5000|"), 504);
    EXPECT_EQ(f.code("EPRT |2|::1|5000|"), 504);
    EXPECT_EQ(f.code("EPRT |3|x|5000|"), 522);
}

TEST(FtpSession, PassiveRepliesNeverSayZero)
{
    Fixture f;
    f.login();
    EXPECT_EQ(f.session.on_line("PASV").action.op, Op::open_passive);
    Step s = f.session.on_passive_opened(50000);
    EXPECT_EQ(s.replies[0].code, 227);
    EXPECT_EQ(s.replies[0].text, "Entering Passive Mode (192,0,2,1,195,80).");
    f.policy.pasv_address = parse_ip("203.0.113.5");  // behind NAT
    f.session.on_line("PASV");
    EXPECT_EQ(f.session.on_passive_opened(50001).replies[0].text, "Entering Passive Mode (203,0,113,5,195,81).");
    f.session.on_line("EPSV");
    EXPECT_EQ(f.session.on_passive_opened(50002).replies[0].text, "Entering Extended Passive Mode (|||50002|)");
    f.session.on_line("PASV");
    EXPECT_EQ(f.session.on_passive_opened(std::nullopt).replies[0].code, 425);
    EXPECT_EQ(f.code("EPSV 2"), 522);
    EXPECT_EQ(f.code("EPSV ALL"), 200);
    EXPECT_EQ(f.code("PASV"), 501);
    EXPECT_EQ(f.code("PORT 192,0,2,10,4,1"), 501);
}

TEST(FtpSession, RetrTakesTwoSteps)
{
    Fixture f;
    f.login();
    EXPECT_EQ(f.code("RETR a.txt"), 425);  // no PASV/PORT yet
    f.session.on_line("PASV");
    f.session.on_passive_opened(50000);
    EXPECT_EQ(f.code("REST 10"), 350);
    Step open = f.session.on_line("RETR pub/a.txt");
    ASSERT_EQ(open.action.op, Op::open_read);
    EXPECT_EQ(open.action.path, "pub/a.txt");
    EXPECT_EQ(open.action.offset, 10u);
    FsResult opened;
    opened.info.size = 100;
    Step go = f.session.on_fs(opened);
    ASSERT_EQ(go.replies[0].code, 150);
    EXPECT_EQ(go.action.op, Op::transfer);
    EXPECT_EQ(go.action.direction, Direction::send_file);
    EXPECT_EQ(go.action.data_mode, DataMode::passive);
    EXPECT_EQ(go.action.offset, 10u);
    EXPECT_EQ(f.session.on_transfer_done(TransferResult::ok).replies[0].code, 226);
    EXPECT_EQ(f.code("RETR pub/a.txt"), 425);  // one data connection per transfer
}

TEST(FtpSession, TransferOutcomes)
{
    const std::pair<TransferResult, int> cases[] = {{TransferResult::no_connection, 425},
                                                    {TransferResult::aborted, 426},
                                                    {TransferResult::local_error, 451},
                                                    {TransferResult::no_space, 452}};
    for (auto [result, code] : cases) {
        Fixture f;
        f.login();
        f.code("PORT 192,0,2,10,4,1");
        f.session.on_line("STOR up.bin");
        Step go = f.session.on_fs({});
        EXPECT_EQ(go.action.data_mode, DataMode::active);
        EXPECT_EQ(go.action.active.port, 1025);
        EXPECT_EQ(f.session.on_transfer_done(result).replies[0].code, code);
    }
}

TEST(FtpSession, PathEscapesAre550)
{
    Fixture f;
    f.login();
    EXPECT_EQ(f.code("CWD .."), 550);
    EXPECT_EQ(f.code("CWD ../etc"), 550);
    EXPECT_EQ(f.code("SIZE ../../etc/passwd"), 550);
    EXPECT_EQ(f.code("DELE /../x"), 550);
    EXPECT_EQ(f.code("CDUP"), 550);
    FsResult escaped;
    escaped.error = FsError::escape;  // the kernel refused a symlink out of the root
    f.session.on_line("SIZE link");
    EXPECT_EQ(f.session.on_fs(escaped).replies[0].code, 550);
}

TEST(FtpSession, RenameSequence)
{
    Fixture f;
    f.login();
    EXPECT_EQ(f.code("RNTO b"), 503);
    ASSERT_EQ(f.session.on_line("RNFR a").action.op, Op::stat);
    EXPECT_EQ(f.session.on_fs({}).replies[0].code, 350);
    Step s = f.session.on_line("RNTO dir/b");
    ASSERT_EQ(s.action.op, Op::rename);
    EXPECT_EQ(s.action.path, "a");
    EXPECT_EQ(s.action.path2, "dir/b");
    EXPECT_EQ(f.session.on_fs({}).replies[0].code, 250);
    f.session.on_line("RNFR a");
    f.session.on_fs({});
    f.code("NOOP");
    EXPECT_EQ(f.code("RNTO b"), 503);  // RNTO must follow RNFR directly
}

TEST(FtpSession, AuthTlsResetsLogin)
{
    Fixture f;
    EXPECT_EQ(f.code("PBSZ 0"), 503);
    Step s = f.session.on_line("AUTH TLS");
    EXPECT_EQ(s.replies[0].code, 234);
    EXPECT_EQ(s.action.op, Op::start_tls);
    f.session.on_tls_started();
    EXPECT_EQ(f.code("AUTH TLS"), 503);
    EXPECT_EQ(f.code("PROT P"), 503);  // PBSZ first
    EXPECT_EQ(f.code("PBSZ 0"), 200);
    EXPECT_EQ(f.code("PROT P"), 200);
    EXPECT_EQ(f.code("PROT S"), 536);
    f.login();
    f.session.on_line("EPSV");
    f.session.on_passive_opened(5000);
    f.session.on_line("LIST");
    EXPECT_TRUE(f.session.on_fs({}).action.protect);
}

TEST(FtpSession, MkdPwdAndQuoting)
{
    Fixture f;
    f.login();
    f.session.on_line("MKD say \"hi\"");
    Step s = f.session.on_fs({});
    EXPECT_EQ(s.replies[0].code, 257);
    EXPECT_EQ(s.replies[0].text, "\"/say \"\"hi\"\"\" created.");
    Step cwd = f.session.on_line("CWD pub");
    EXPECT_EQ(cwd.action.op, Op::change_dir);
    FsResult dir;
    dir.info.directory = true;
    EXPECT_EQ(f.session.on_fs(dir).replies[0].code, 250);
    EXPECT_EQ(f.session.on_line("PWD").replies[0].text, "\"/pub\" is the current directory.");
}

}  // namespace
}  // namespace layer7::ftp
