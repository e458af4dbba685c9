// The IMAP Session against an in-memory account: states, login rules, SELECT, FETCH, STORE,
// SEARCH, COPY/MOVE, EXPUNGE, IDLE and what a second session sees.
#include "mail/imap/session.hpp"

#include <gtest/gtest.h>

#include "memory_account.hpp"

namespace layer7::mail::imap {
namespace {

class SessionTest : public ::testing::Test {
protected:
    SessionTest()
    {
        policy.check_credentials = [](std::string_view u, std::string_view p) { return u == "bob" && p == "hungry"; };
        account.add("INBOX", "From: Alice <alice@crepes.fr>\r\nSubject: hi\r\n\r\nhello crepes\r\n");
        account.add("INBOX", "Subject: two\r\n\r\nsecond\r\n", "S");
        account.folders_["Trash"];
    }
    Step send(Session& s, std::string line) { return s.on_command(RawCommand{std::move(line), {}}); }
    Session logged_in(Client client = {.loopback = true, .tls = false})
    {
        Session s(policy, client);
        Step step = send(s, "a LOGIN bob hungry");
        EXPECT_EQ(step.action, Action::open_account);
        step = s.on_account(&account);
        EXPECT_NE(step.wire.find("a OK"), std::string::npos);
        return s;
    }
    Policy policy;
    test::MemoryAccount account;
};

TEST_F(SessionTest, GreetingAndStates)
{
    Session s(policy, {.loopback = true});
    EXPECT_EQ(s.greeting().rfind("* OK [CAPABILITY IMAP4rev1", 0), 0u);
    EXPECT_EQ(send(s, "a SELECT INBOX").wire, "a BAD log in first\r\n");
    EXPECT_EQ(send(s, "b FROB").wire, "b BAD unknown command\r\n");
    EXPECT_EQ(send(s, "nospace").wire, "* BAD missing tag\r\n");
    Step out = send(s, "c LOGOUT");
    EXPECT_EQ(out.action, Action::close);
    EXPECT_EQ(out.wire, "* BYE logging out\r\nc OK LOGOUT completed\r\n");
}

TEST_F(SessionTest, PlaintextLoginNeedsTlsOffLoopback)
{
    policy.tls_available = true;
    Session s(policy, {.loopback = false});
    EXPECT_NE(s.greeting().find("LOGINDISABLED"), std::string::npos);
    EXPECT_NE(send(s, "a LOGIN bob hungry").wire.find("a NO [PRIVACYREQUIRED]"), std::string::npos);
    EXPECT_EQ(send(s, "b STARTTLS").action, Action::start_tls);
    s.on_tls_started();
    EXPECT_EQ(send(s, "c LOGIN bob hungry").action, Action::open_account);
}

TEST_F(SessionTest, FailedLoginsAreDelayedThenClosed)
{
    Session s(policy, {.loopback = true});
    Step one = send(s, "a LOGIN bob x");
    EXPECT_EQ(one.delay, std::chrono::milliseconds(1000));
    Step two = send(s, "b LOGIN bob y");
    EXPECT_EQ(two.delay, std::chrono::milliseconds(2000));
    Step three = send(s, "c LOGIN bob z");
    EXPECT_EQ(three.action, Action::close);
}

TEST_F(SessionTest, AuthenticatePlainWithContinuation)
{
    Session s(policy, {.loopback = true});
    EXPECT_EQ(send(s, "a AUTHENTICATE PLAIN").wire, "+ \r\n");
    EXPECT_TRUE(s.wants_continuation());
    EXPECT_EQ(s.on_continuation("AGJvYgBodW5ncnk=").action, Action::open_account);
}

TEST_F(SessionTest, SelectFetchStoreSearch)
{
    Session s = logged_in();
    std::string w = send(s, "a SELECT INBOX").wire;
    EXPECT_NE(w.find("* 2 EXISTS\r\n"), std::string::npos);
    EXPECT_NE(w.find("[UIDVALIDITY 7]"), std::string::npos);
    EXPECT_NE(w.find("[UNSEEN 1]"), std::string::npos);
    EXPECT_NE(w.find("a OK [READ-WRITE]"), std::string::npos);
    w = send(s, "b FETCH 1 (FLAGS ENVELOPE BODY.PEEK[TEXT])").wire;
    EXPECT_NE(w.find("((\"Alice\" NIL \"alice\" \"crepes.fr\"))"), std::string::npos) << w;
    EXPECT_NE(w.find("BODY[TEXT] {14}\r\nhello crepes\r\n"), std::string::npos) << w;
    w = send(s, "c FETCH 1 BODY[]").wire;
    EXPECT_NE(w.find("FLAGS (\\Seen)"), std::string::npos) << w;
    w = send(s, "d UID STORE 2 +FLAGS.SILENT (\\Deleted)").wire;
    EXPECT_EQ(w, "d OK STORE completed\r\n");
    EXPECT_EQ(send(s, "e SEARCH DELETED").wire, "* SEARCH 2\r\ne OK SEARCH completed\r\n");
    EXPECT_EQ(send(s, "f UID SEARCH BODY crepes").wire, "* SEARCH 1\r\nf OK SEARCH completed\r\n");
    EXPECT_EQ(send(s, "g SEARCH CHARSET KOI8-R ALL").wire.rfind("g NO [BADCHARSET", 0), 0u);
    std::string deep = "h SEARCH " + std::string(40, '(') + "ALL" + std::string(40, ')');
    EXPECT_EQ(send(s, deep).wire.rfind("h BAD", 0), 0u);
    EXPECT_EQ(send(s, "i EXPUNGE").wire, "* 2 EXPUNGE\r\ni OK EXPUNGE completed\r\n");
}

TEST_F(SessionTest, AMessageGoneMeanwhileIsLeftOutWhole)
{
    Session s = logged_in();
    send(s, "a SELECT INBOX");
    account.folders_["INBOX"].bodies.erase(1);  // its file removed by another agent, not yet synced
    const std::string two = "* 2 FETCH (FLAGS (\\Seen) BODY[] {24}\r\nSubject: two\r\n\r\nsecond\r\n)\r\n";
    EXPECT_EQ(send(s, "b FETCH 1:2 (FLAGS BODY.PEEK[])").wire, two + "b OK FETCH completed\r\n");
    EXPECT_EQ(send(s, "c FETCH 1:2 (UID ENVELOPE)").wire.rfind("* 2 FETCH (UID 2 ENVELOPE (", 0), 0u);
    EXPECT_EQ(send(s, "d FETCH 1:2 (FLAGS BODY.PEEK[]<9.3>)").wire,
              "* 2 FETCH (FLAGS (\\Seen) BODY[]<9> {3}\r\ntwo)\r\nd OK FETCH completed\r\n");
}

TEST_F(SessionTest, ALongFetchComesInChunksWithTheNewsAtTheEnd)
{
    const std::string big = "Subject: big\r\n\r\n" + std::string(100 * 1024, 'x') + "\r\n";
    for (int i = 0; i < 3; ++i)
        account.add("INBOX", big);
    Session s = logged_in();
    send(s, "a SELECT INBOX");
    Step step = send(s, "b FETCH 1:* BODY.PEEK[]");
    std::string all;
    int chunks = 1;
    for (; step.action == Action::more; ++chunks) {
        EXPECT_EQ(step.wire.substr(step.wire.size() - 3), ")\r\n");  // whole responses only
        all += step.wire;
        if (chunks == 1)
            account.add("INBOX", "Subject: late\r\n\r\nx\r\n");  // delivered meanwhile
        step = s.on_more();
    }
    all += step.wire;
    EXPECT_EQ(chunks, 2);
    EXPECT_EQ(step.action, Action::read_command);
    for (int n = 1; n <= 5; ++n)
        EXPECT_NE(all.find("* " + std::to_string(n) + " FETCH (BODY[] {"), std::string::npos) << n;
    EXPECT_NE(all.find("* 5 FETCH (BODY[] {" + std::to_string(big.size()) + "}\r\n" + big + ")\r\n"),
              std::string::npos);
    // The news after the last message, before the tagged line.
    EXPECT_TRUE(all.ends_with(")\r\n* 6 EXISTS\r\nb OK FETCH completed\r\n")) << all.substr(all.size() - 60);
    // A command while a FETCH is unfinished is the shell's mistake.
    EXPECT_EQ(send(s, "c FETCH 1:* BODY.PEEK[]").action, Action::more);
    EXPECT_EQ(send(s, "d NOOP").action, Action::close);
}

TEST_F(SessionTest, CopyAndMoveReportUidplus)
{
    Session s = logged_in();
    send(s, "a SELECT INBOX");
    EXPECT_EQ(send(s, "b COPY 1:2 Trash").wire, "b OK [COPYUID 7 1:2 1:2] COPY completed\r\n");
    EXPECT_EQ(send(s, "c MOVE 1 Nowhere").wire, "c NO [TRYCREATE] no such mailbox\r\n");
    EXPECT_EQ(send(s, "d MOVE 1 Trash").wire, "* OK [COPYUID 7 1 3] moved\r\n* 1 EXPUNGE\r\nd OK MOVE completed\r\n");
}

TEST_F(SessionTest, AnotherSessionsChangesArriveAtTheAllowedPoints)
{
    Session a = logged_in(), b = logged_in();
    send(a, "a SELECT INBOX");
    send(b, "b SELECT INBOX");
    account.add("INBOX", "Subject: new\r\n\r\n3\r\n");
    send(a, "c STORE 1 +FLAGS (\\Flagged)");
    send(a, "d STORE 2 +FLAGS (\\Deleted)");
    send(a, "e EXPUNGE");
    // During FETCH no EXPUNGE, but EXISTS and FLAGS may come.
    std::string w = send(b, "f FETCH 1 FLAGS").wire;
    EXPECT_EQ(w.find("EXPUNGE"), std::string::npos) << w;
    EXPECT_NE(w.find("* 3 EXISTS"), std::string::npos) << w;
    w = send(b, "g NOOP").wire;
    EXPECT_EQ(w, "* 2 EXPUNGE\r\ng OK NOOP completed\r\n");
}

TEST_F(SessionTest, UidExpungeWorksWhileOthersChangeTheMailbox)
{
    // A busy mailbox (flags and mail changing all the time) used to fail UID EXPUNGE with
    // "NO [EXPUNGEISSUED] try again", for ever under load.
    Session a = logged_in(), b = logged_in();
    send(a, "a SELECT INBOX");
    send(b, "b SELECT INBOX");
    send(a, "c UID STORE 2 +FLAGS.SILENT (\\Deleted)");
    send(b, "d STORE 1 +FLAGS.SILENT (\\Flagged)");
    account.add("INBOX", "Subject: new\r\n\r\n3\r\n");
    EXPECT_EQ(send(a, "e UID EXPUNGE 2").wire,
              "* 1 FETCH (UID 1 FLAGS (\\Flagged))\r\n* 3 EXISTS\r\n* 2 EXPUNGE\r\ne OK EXPUNGE completed\r\n");
    EXPECT_EQ(account.folders_["INBOX"].snap.messages.size(), 2u);
}

TEST_F(SessionTest, StoreKeepsTheFlagsAnotherSessionSetMeanwhile)
{
    // b's view still has message 1 unflagged: its +FLAGS must add to the flags as they are now.
    Session a = logged_in(), b = logged_in();
    send(a, "a SELECT INBOX");
    send(b, "b SELECT INBOX");
    send(a, "c STORE 1 +FLAGS (\\Flagged)");
    EXPECT_EQ(send(b, "d STORE 1 +FLAGS (\\Answered)").wire,
              "* 1 FETCH (FLAGS (\\Answered \\Flagged))\r\nd OK STORE completed\r\n");
    send(a, "e STORE 1 -FLAGS (\\Flagged)");
    EXPECT_EQ(send(b, "f STORE 1 -FLAGS (\\Seen)").wire, "* 1 FETCH (FLAGS (\\Answered))\r\nf OK STORE completed\r\n");
    EXPECT_EQ(account.folders_["INBOX"].snap.messages.at(0).flags, "R");
}

TEST_F(SessionTest, ListShowsALevelThatIsNoFolderAsNoselect)
{
    // Dovecot's CREATE Archive.2023 makes no Archive folder; RFC 3501 §6.3.8 lists it \Noselect.
    Session s = logged_in();
    account.folders_["Archive.2023"];
    std::string w = send(s, "a LIST \"\" %").wire;
    EXPECT_NE(w.find("* LIST (\\Noselect \\HasChildren) \".\" \"Archive\"\r\n"), std::string::npos) << w;
    EXPECT_EQ(w.find("Archive.2023"), std::string::npos) << w;
    w = send(s, "b LIST \"\" *").wire;
    EXPECT_NE(w.find("* LIST (\\HasNoChildren) \".\" \"Archive.2023\"\r\n"), std::string::npos) << w;
    EXPECT_LT(w.find("\"INBOX\""), w.find("\"Archive\""));
}

TEST_F(SessionTest, IdleReportsChangesUntilDone)
{
    Session s = logged_in();
    send(s, "a SELECT INBOX");
    Step step = send(s, "b IDLE");
    EXPECT_EQ(step.action, Action::idle);
    EXPECT_EQ(step.wire, "+ idling\r\n");
    account.add("INBOX", "Subject: pushed\r\n\r\nx\r\n");
    step = s.on_idle_changed();
    EXPECT_EQ(step.wire, "* 3 EXISTS\r\n");
    EXPECT_EQ(s.on_idle_line("DONE").wire, "b OK IDLE terminated\r\n");
}

TEST_F(SessionTest, ListWithSpecialUseAndSubscriptions)
{
    Session s = logged_in();
    send(s, "a CREATE Sent");
    send(s, "b SUBSCRIBE Sent");
    std::string w = send(s, "c LIST \"\" * RETURN (SUBSCRIBED)").wire;
    EXPECT_NE(w.find("* LIST (\\HasNoChildren \\Sent \\Subscribed) \".\" \"Sent\""), std::string::npos) << w;
    EXPECT_NE(w.find("\"INBOX\""), std::string::npos);
    w = send(s, "d LIST (SUBSCRIBED) \"\" *").wire;
    EXPECT_EQ(w.find("Trash"), std::string::npos) << w;
    EXPECT_EQ(send(s, "e CREATE Sent").wire, "e NO [ALREADYEXISTS] mailbox already exists\r\n");
}

TEST_F(SessionTest, AppendTakesTheLiteral)
{
    Session s = logged_in();
    Step step = s.on_command(RawCommand{"a APPEND Trash (\\Seen) {11}", {"Subject: x\r\n"}});
    EXPECT_EQ(step.wire, "a OK [APPENDUID 7 1] APPEND completed\r\n");
    EXPECT_EQ(account.folders_["Trash"].snap.messages.at(0).flags, "S");
}

// --- CONDSTORE (RFC 7162) ---------------------------------------------------------------------------
// The fixture's two messages have mod-sequences 2 and 3 (the memory account numbers each change).

TEST_F(SessionTest, CondstoreIsOfferedAndEnabledOnce)
{
    Session s = logged_in();
    EXPECT_NE(send(s, "a CAPABILITY").wire.find(" CONDSTORE"), std::string::npos);
    std::string w = send(s, "b SELECT INBOX").wire;
    EXPECT_EQ(w.find("HIGHESTMODSEQ"), std::string::npos) << w;  // not before it is enabled
    EXPECT_EQ(send(s, "c ENABLE").wire, "c BAD ENABLE capability...\r\n");
    // Enabled with a mailbox selected: its HIGHESTMODSEQ comes at once (RFC 7162 §3.1).
    EXPECT_EQ(send(s, "d ENABLE CONDSTORE X-UNKNOWN").wire,
              "* ENABLED CONDSTORE\r\n* OK [HIGHESTMODSEQ 3] highest\r\nd OK ENABLE completed\r\n");
    EXPECT_EQ(send(s, "e ENABLE condstore").wire, "* ENABLED\r\ne OK ENABLE completed\r\n");
    w = send(s, "f EXAMINE INBOX").wire;
    EXPECT_NE(w.find("* OK [HIGHESTMODSEQ 3] highest\r\n"), std::string::npos) << w;
}

TEST_F(SessionTest, SelectWithCondstoreParameterAndStatus)
{
    Session s = logged_in();
    EXPECT_EQ(send(s, "a SELECT INBOX (QRESYNC (7 1))").wire.rfind("a BAD", 0), 0u);
    EXPECT_EQ(send(s, "b SELECT INBOX (CONDSTORE").wire.rfind("b BAD", 0), 0u);
    std::string w = send(s, "c SELECT INBOX (CONDSTORE)").wire;
    EXPECT_NE(w.find("* OK [HIGHESTMODSEQ 3] highest\r\n"), std::string::npos) << w;
    EXPECT_NE(w.find("c OK [READ-WRITE]"), std::string::npos) << w;
    EXPECT_EQ(send(s, "d STATUS Trash (HIGHESTMODSEQ MESSAGES)").wire,
              "* STATUS \"Trash\" (HIGHESTMODSEQ 1 MESSAGES 0)\r\nd OK STATUS completed\r\n");
    Session other = logged_in();  // STATUS HIGHESTMODSEQ alone enables it too
    EXPECT_EQ(send(other, "e STATUS INBOX (HIGHESTMODSEQ)").wire,
              "* STATUS \"INBOX\" (HIGHESTMODSEQ 3)\r\ne OK STATUS completed\r\n");
    EXPECT_NE(send(other, "f SELECT INBOX").wire.find("[HIGHESTMODSEQ 3]"), std::string::npos);
}

TEST_F(SessionTest, FetchModseqAndChangedSince)
{
    Session s = logged_in();
    send(s, "a SELECT INBOX");
    // The first enabling command with a mailbox selected is preceded by its HIGHESTMODSEQ.
    EXPECT_EQ(send(s, "b FETCH 1:* (FLAGS) (CHANGEDSINCE 2)").wire,
              "* OK [HIGHESTMODSEQ 3] highest\r\n* 2 FETCH (FLAGS (\\Seen) MODSEQ (3))\r\nb OK FETCH completed\r\n");
    EXPECT_EQ(send(s, "c UID FETCH 1:* (UID) (CHANGEDSINCE 3)").wire, "c OK FETCH completed\r\n");
    EXPECT_EQ(send(s, "d FETCH 1 MODSEQ").wire, "* 1 FETCH (MODSEQ (2))\r\nd OK FETCH completed\r\n");
    EXPECT_EQ(send(s, "e UID FETCH 1 (FLAGS MODSEQ)").wire,
              "* 1 FETCH (UID 1 FLAGS () MODSEQ (2))\r\ne OK FETCH completed\r\n");
    // Once on, flags go with their mod-sequence; \Seen set by BODY[] gets the next one.
    EXPECT_EQ(send(s, "f FETCH 1 BODY[TEXT]").wire,
              "* 1 FETCH (BODY[TEXT] {14}\r\nhello crepes\r\n FLAGS (\\Seen) MODSEQ (4))\r\nf OK FETCH completed\r\n");
    EXPECT_EQ(send(s, "g FETCH 1:* (UID) (CHANGEDSINCE 3)").wire,
              "* 1 FETCH (UID 1 MODSEQ (4))\r\ng OK FETCH completed\r\n");
    for (const char* broken : {"h FETCH 1 (FLAGS) (CHANGEDSINCE)", "h FETCH 1 (FLAGS) (CHANGEDSINCE x)",
                               "h FETCH 1 (FLAGS) (VANISHED)", "h FETCH 1 (FLAGS) (CHANGEDSINCE 1",
                               "h FETCH 1 (FLAGS) (CHANGEDSINCE 9223372036854775808)", "h FETCH 1 (FLAGS))"})
        EXPECT_EQ(send(s, broken).wire.rfind("h BAD", 0), 0u) << broken;
}

TEST_F(SessionTest, StoreUnchangedSinceFailsForWhatChangedMeanwhile)
{
    Session a = logged_in(), b = logged_in();
    send(a, "a SELECT INBOX (CONDSTORE)");
    send(b, "b SELECT INBOX (CONDSTORE)");
    EXPECT_EQ(send(a, "c STORE 1 (UNCHANGEDSINCE 2) +FLAGS (\\Flagged)").wire,
              "* 1 FETCH (FLAGS (\\Flagged) MODSEQ (4))\r\nc OK STORE completed\r\n");
    // b still believes message 1 is at 2: its conditional STORE fails there and succeeds on 2; the
    // change it missed is told right after (RFC 7162 §3.1.3).
    EXPECT_EQ(send(b, "d STORE 1:2 (UNCHANGEDSINCE 3) +FLAGS (\\Deleted)").wire,
              "* 2 FETCH (FLAGS (\\Deleted \\Seen) MODSEQ (5))\r\n* 1 FETCH (UID 1 FLAGS (\\Flagged) MODSEQ (4))\r\n"
              "d OK [MODIFIED 1] conditional STORE failed\r\n");
    EXPECT_EQ(account.folders_["INBOX"].snap.messages.at(0).flags, "F");
    // UID STORE names UIDs; UNCHANGEDSINCE 0 fails for every message (RFC 7162 §3.1.3).
    EXPECT_EQ(
        send(a, "e UID STORE 1:2 (UNCHANGEDSINCE 0) -FLAGS (\\Flagged)").wire,
        "* 2 FETCH (UID 2 FLAGS (\\Deleted \\Seen) MODSEQ (5))\r\ne OK [MODIFIED 1:2] conditional STORE failed\r\n");
    // .SILENT still tells the new mod-sequence.
    EXPECT_EQ(send(a, "f STORE 1 +FLAGS.SILENT (\\Answered)").wire,
              "* 1 FETCH (MODSEQ (6))\r\nf OK STORE completed\r\n");
    // imapflow writes the modifier after the flags.
    EXPECT_EQ(send(a, "g UID STORE 1 +FLAGS (\\Draft) (UNCHANGEDSINCE 5)").wire,
              "g OK [MODIFIED 1] conditional STORE failed\r\n");
    EXPECT_EQ(send(a, "h STORE 1 (UNCHANGEDSINCE) +FLAGS (\\Draft)").wire.rfind("h BAD", 0), 0u);
    EXPECT_EQ(send(a, "i STORE 1 (UNCHANGEDSINCE 1 +FLAGS (\\Draft)").wire.rfind("i BAD", 0), 0u);
}

TEST_F(SessionTest, StoreUnchangedSinceEnablesCondstore)
{
    Session s = logged_in();
    send(s, "a EXAMINE INBOX");
    EXPECT_EQ(send(s, "b STORE 1 (UNCHANGEDSINCE 9) +FLAGS (\\Flagged)").wire,
              "b NO [READ-ONLY] mailbox is read-only\r\n");
    send(s, "c SELECT INBOX");
    EXPECT_EQ(send(s, "d STORE 1 (UNCHANGEDSINCE 9) +FLAGS (\\Flagged)").wire,
              "* OK [HIGHESTMODSEQ 3] highest\r\n* 1 FETCH (FLAGS (\\Flagged) MODSEQ (4))\r\nd OK STORE completed\r\n");
}

TEST_F(SessionTest, SearchModseq)
{
    Session s = logged_in();
    send(s, "a SELECT INBOX");
    EXPECT_EQ(send(s, "b SEARCH MODSEQ 3").wire,
              "* OK [HIGHESTMODSEQ 3] highest\r\n* SEARCH 2 (MODSEQ 3)\r\nb OK SEARCH completed\r\n");
    EXPECT_EQ(send(s, "c UID SEARCH OR MODSEQ \"/flags/\\\\draft\" all 1 DELETED").wire,
              "* SEARCH 1 2 (MODSEQ 3)\r\nc OK SEARCH completed\r\n");
    EXPECT_EQ(send(s, "d SEARCH MODSEQ 4").wire, "* SEARCH\r\nd OK SEARCH completed\r\n");
    EXPECT_EQ(send(s, "e SEARCH SEEN").wire, "* SEARCH 2\r\ne OK SEARCH completed\r\n");  // no MODSEQ key, no (MODSEQ)
    for (const char* broken : {"f SEARCH MODSEQ", "f SEARCH MODSEQ x", "f SEARCH MODSEQ \"/flags/\\\\seen\" 1",
                               "f SEARCH MODSEQ \"/other\" all 1", "f SEARCH MODSEQ \"/flags/\\\\seen\" mine 1",
                               "f SEARCH MODSEQ 9223372036854775808"})
        EXPECT_EQ(send(s, broken).wire.rfind("f BAD", 0), 0u) << broken;
}

TEST_F(SessionTest, OthersChangesComeWithTheirModseq)
{
    Session a = logged_in(), b = logged_in();
    send(a, "a SELECT INBOX");
    send(b, "b SELECT INBOX");
    send(a, "c ENABLE CONDSTORE");
    send(b, "d STORE 2 -FLAGS.SILENT (\\Seen)");
    EXPECT_EQ(send(a, "e NOOP").wire, "* 2 FETCH (UID 2 FLAGS () MODSEQ (4))\r\ne OK NOOP completed\r\n");
    // A change and its undoing between two looks: the flags are as before, the mod-sequence is not.
    send(b, "f STORE 2 +FLAGS.SILENT (\\Seen)");
    send(b, "g STORE 2 -FLAGS.SILENT (\\Seen)");
    EXPECT_EQ(send(a, "h NOOP").wire, "* 2 FETCH (UID 2 FLAGS () MODSEQ (6))\r\nh OK NOOP completed\r\n");
    EXPECT_EQ(send(b, "i NOOP").wire, "i OK NOOP completed\r\n");  // b never enabled CONDSTORE
}

TEST_F(SessionTest, ChangedSinceAsksAboutTheMailboxAsItIsNow)
{
    // b's change happened after a last looked: CHANGEDSINCE must still find it (told first as news).
    Session a = logged_in(), b = logged_in();
    send(a, "a SELECT INBOX (CONDSTORE)");
    send(b, "b SELECT INBOX");
    send(b, "c STORE 1 +FLAGS.SILENT (\\Flagged)");
    EXPECT_EQ(send(a, "d UID FETCH 1:* (FLAGS) (CHANGEDSINCE 3)").wire,
              "* 1 FETCH (UID 1 FLAGS (\\Flagged) MODSEQ (4))\r\n* 1 FETCH (UID 1 FLAGS (\\Flagged) MODSEQ (4))\r\n"
              "d OK FETCH completed\r\n");
    send(b, "e STORE 2 +FLAGS.SILENT (\\Answered)");
    EXPECT_EQ(
        send(a, "f SEARCH MODSEQ 5").wire,
        "* 2 FETCH (UID 2 FLAGS (\\Answered \\Seen) MODSEQ (5))\r\n* SEARCH 2 (MODSEQ 5)\r\nf OK SEARCH completed\r\n");
}

// --- QRESYNC (RFC 7162 §3.2) ------------------------------------------------------------------------
// The memory account has no record of expunges: it names every UID below UIDNEXT not there.

TEST_F(SessionTest, SelectQresyncTellsWhatWentAndWhatChanged)
{
    Session s = logged_in();
    EXPECT_NE(send(s, "a CAPABILITY").wire.find(" QRESYNC"), std::string::npos);
    EXPECT_EQ(send(s, "a SELECT INBOX (QRESYNC (7 3))").wire, "a BAD ENABLE QRESYNC first\r\n");
    EXPECT_EQ(send(s, "b ENABLE QRESYNC").wire, "* ENABLED QRESYNC\r\nb OK ENABLE completed\r\n");
    // While the client was away: message 3 arrived (modseq 4), 1 went (5), 2 got \Flagged (6).
    account.add("INBOX", "Subject: 3\r\n\r\n3\r\n");
    MessageRef one;
    one.uid = 1;
    account.expunge("INBOX", one);
    MessageRef two = account.folders_["INBOX"].snap.messages.at(0);
    account.set_flags("INBOX", two, "FS");
    std::string w = send(s, "c SELECT INBOX (QRESYNC (7 3))").wire;
    EXPECT_NE(w.find("* OK [HIGHESTMODSEQ 6] highest\r\n"), std::string::npos) << w;
    const std::string resync =
        "* VANISHED (EARLIER) 1\r\n* 1 FETCH (UID 2 FLAGS (\\Flagged \\Seen) MODSEQ (6))\r\n"
        "* 2 FETCH (UID 3 FLAGS () MODSEQ (4))\r\nc OK [READ-WRITE] SELECT completed\r\n";
    EXPECT_NE(w.find(resync), std::string::npos) << w;
    // Known UIDs narrow it; sequence match data is taken and set aside.
    w = send(s, "d SELECT INBOX (QRESYNC (7 4 3))").wire;
    EXPECT_NE(w.find("* OK [CLOSED]"), std::string::npos) << w;
    EXPECT_EQ(w.find("VANISHED"), std::string::npos) << w;
    EXPECT_EQ(w.find("FETCH"), std::string::npos) << w;
    w = send(s, "e EXAMINE INBOX (QRESYNC (7 3 1:3 (1:2 2:3)) CONDSTORE)").wire;
    EXPECT_NE(w.find("* VANISHED (EARLIER) 1\r\n* 1 FETCH (UID 2"), std::string::npos) << w;
    // Another UIDVALIDITY: the client's cache is void, nothing to resynchronise.
    w = send(s, "f SELECT INBOX (QRESYNC (8 3))").wire;
    EXPECT_EQ(w.find("VANISHED"), std::string::npos) << w;
    EXPECT_EQ(w.find("FETCH"), std::string::npos) << w;
    for (const char* broken : {"g SELECT INBOX (QRESYNC (7))", "g SELECT INBOX (QRESYNC (7 0))",
                               "g SELECT INBOX (QRESYNC (7 3 1:3 (1:2)))", "g SELECT INBOX (QRESYNC 7 3)",
                               "g SELECT INBOX (QRESYNC (7 3) QRESYNC (7 3))", "g SELECT INBOX (QRESYNC (7 3 ))"})
        EXPECT_EQ(send(s, broken).wire.rfind("g BAD", 0), 0u) << broken;
}

TEST_F(SessionTest, VanishedReplacesExpungeOnceQresyncIsOn)
{
    Session a = logged_in(), b = logged_in();
    send(a, "a ENABLE QRESYNC");
    send(a, "b SELECT INBOX");
    send(b, "c SELECT INBOX");
    send(b, "d STORE 1 +FLAGS.SILENT (\\Deleted)");
    EXPECT_EQ(send(b, "e EXPUNGE").wire, "* 1 EXPUNGE\r\ne OK EXPUNGE completed\r\n");  // b: no QRESYNC
    EXPECT_EQ(send(a, "f NOOP").wire, "* VANISHED 1\r\nf OK NOOP completed\r\n");
    // One refresh with both: VANISHED first, then the FETCH numbered as the mailbox is after it.
    account.add("INBOX", "Subject: 3\r\n\r\n3\r\n");
    account.add("INBOX", "Subject: 4\r\n\r\n4\r\n");
    send(a, "g NOOP");
    send(b, "h NOOP");
    send(b, "i STORE 1 +FLAGS.SILENT (\\Deleted)");
    send(b, "j STORE 3 +FLAGS.SILENT (\\Flagged)");
    send(b, "k EXPUNGE");
    const auto& now = account.folders_["INBOX"].snap.messages;
    ASSERT_EQ(now.size(), 2u);
    EXPECT_EQ(send(a, "l NOOP").wire, "* VANISHED 2\r\n* 2 FETCH (UID 4 FLAGS (\\Flagged) MODSEQ (" +
                                          std::to_string(now[1].modseq) + "))\r\nl OK NOOP completed\r\n");
    // Its own EXPUNGE and MOVE too; every FETCH names its UID.
    EXPECT_EQ(send(a, "m STORE 1 +FLAGS (\\Deleted)").wire.rfind("* 1 FETCH (UID 3 FLAGS (\\Deleted) MODSEQ (", 0), 0u);
    EXPECT_EQ(send(a, "n EXPUNGE").wire, "* VANISHED 3\r\nn OK EXPUNGE completed\r\n");
    EXPECT_EQ(send(a, "o MOVE 1 Trash").wire, "* OK [COPYUID 7 4 1] moved\r\n* VANISHED 4\r\no OK MOVE completed\r\n");
}

TEST_F(SessionTest, UidFetchVanishedTellsWhatWentBeforeTheFetches)
{
    Session s = logged_in();
    send(s, "a ENABLE QRESYNC");
    send(s, "b SELECT INBOX");
    MessageRef one;
    one.uid = 1;
    account.expunge("INBOX", one);                    // highest 4
    account.add("INBOX", "Subject: 3\r\n\r\n3\r\n");  // UID 3, modseq 5
    // UID 1 is still in the session's view (no EXPUNGE during the FETCH): a plain VANISHED after it,
    // and till then a HIGHESTMODSEQ below its expunge's.
    EXPECT_EQ(send(s, "c UID FETCH 1:* (FLAGS) (CHANGEDSINCE 3 VANISHED)").wire,
              "* 3 EXISTS\r\n* OK [HIGHESTMODSEQ 3] expunges pending\r\n* 3 FETCH (UID 3 FLAGS () MODSEQ (5))\r\n"
              "* VANISHED 1\r\nc OK FETCH completed\r\n");
    EXPECT_EQ(send(s, "d UID FETCH 1:* (FLAGS) (CHANGEDSINCE 3 VANISHED)").wire,
              "* VANISHED (EARLIER) 1\r\n* 2 FETCH (UID 3 FLAGS () MODSEQ (5))\r\nd OK FETCH completed\r\n");
    EXPECT_EQ(send(s, "e UID FETCH 2:* (FLAGS) (VANISHED CHANGEDSINCE 3)").wire,
              "* 2 FETCH (UID 3 FLAGS () MODSEQ (5))\r\ne OK FETCH completed\r\n");
    EXPECT_EQ(send(s, "f FETCH 1 (FLAGS)").wire,
              "* 1 FETCH (UID 2 FLAGS (\\Seen) MODSEQ (3))\r\nf OK FETCH completed\r\n");
    for (const char* broken : {"g FETCH 1:* (FLAGS) (CHANGEDSINCE 3 VANISHED)", "g UID FETCH 1:* (FLAGS) (VANISHED)",
                               "g UID FETCH 1:* (FLAGS) (CHANGEDSINCE 3 VANISHED VANISHED)"})
        EXPECT_EQ(send(s, broken).wire.rfind("g BAD", 0), 0u) << broken;
    Session other = logged_in();  // CONDSTORE is not QRESYNC
    send(other, "h SELECT INBOX (CONDSTORE)");
    EXPECT_EQ(send(other, "i UID FETCH 1:* (FLAGS) (CHANGEDSINCE 1 VANISHED)").wire.rfind("i BAD", 0), 0u);
}

TEST_F(SessionTest, AHeldBackExpungeKeepsHighestmodseqBelowIt)
{
    Session a = logged_in(), b = logged_in();
    send(a, "a ENABLE QRESYNC");
    send(a, "b SELECT INBOX");  // HIGHESTMODSEQ 3
    send(b, "c SELECT INBOX");
    send(b, "d STORE 1 +FLAGS.SILENT (\\Deleted)");
    send(b, "e EXPUNGE");                            // 5
    send(b, "f STORE 1 +FLAGS.SILENT (\\Flagged)");  // message 2 (UID 2): 6
    // During FETCH the expunge waits; the MODSEQ 6 sent meanwhile is above it, so HIGHESTMODSEQ says 3.
    EXPECT_EQ(send(a, "g FETCH 2 (FLAGS)").wire,
              "* 2 FETCH (UID 2 FLAGS (\\Seen) MODSEQ (3))\r\n* 2 FETCH (UID 2 FLAGS (\\Flagged \\Seen) MODSEQ (6))\r\n"
              "* OK [HIGHESTMODSEQ 3] expunges pending\r\ng OK FETCH completed\r\n");
    EXPECT_EQ(send(a, "h NOOP").wire, "* VANISHED 1\r\nh OK NOOP completed\r\n");
    EXPECT_NE(send(a, "i SELECT INBOX").wire.find("[HIGHESTMODSEQ 6]"), std::string::npos);
}

}  // namespace
}  // namespace layer7::mail::imap
