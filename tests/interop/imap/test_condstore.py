"""CONDSTORE and QRESYNC (RFC 7162) over python's imaplib sending the raw commands: one session
changes flags (and SMTP, POP3 and a Maildir tool change the mailbox too), another asks FETCH
(CHANGEDSINCE n) and sees exactly those messages; a conditional STORE that lost the race gets
[MODIFIED …]; the mod-sequences and HIGHESTMODSEQ survive a restart of the server; a client back
after a while resynchronises with SELECT (QRESYNC …) and UID FETCH (CHANGEDSINCE n VANISHED), and
sees expunges as VANISHED, also across a restart.
"""
import os
import poplib
import re
import smtplib

from conftest import free_port
from imapkit import DOMAIN, HOST, add_user, login, maildir_of, message, put_messages, start_imap


class Raw:
    """An imaplib connection driven by raw command lines: (tagged line, untagged lines) per command."""

    def __init__(self, port):
        self.m = login(port)
        self.count = 0

    def __call__(self, command):
        self.count += 1
        tag = f"r{self.count}"
        self.m.send(f"{tag} {command}\r\n".encode())
        untagged = []
        while True:  # every read has imaplib's socket timeout
            line = self.m.readline().decode().rstrip("\r\n")
            assert line, f"connection closed during {command!r}"
            if line.startswith(tag + " "):
                return line[len(tag) + 1:], untagged
            untagged.append(line)

    def ok(self, command):
        status, untagged = self(command)
        assert status.startswith("OK"), (command, status, untagged)
        return status, untagged

    def idle_until(self, pattern):
        """IDLE until an untagged line matches `pattern` (imaplib's socket timeout is the deadline),
        then DONE; returns the lines seen."""
        self.count += 1
        tag = f"r{self.count}"
        self.m.send(f"{tag} IDLE\r\n".encode())
        lines = []
        while not any(re.search(pattern, line) for line in lines):
            line = self.m.readline().decode().rstrip("\r\n")
            assert line, f"connection closed waiting for {pattern!r}; saw {lines}"
            lines.append(line)
        self.m.send(b"DONE\r\n")
        while not lines[-1].startswith(tag + " "):
            lines.append(self.m.readline().decode().rstrip("\r\n"))
        assert lines[-1].startswith(tag + " OK"), lines
        return lines

    def close(self):
        self.m.logout()


def code(lines, name):
    """The value of response code [NAME value] in `lines`."""
    for line in lines:
        found = re.search(r"\[" + name + r" ([^\]]*)\]", line)
        if found:
            return found.group(1)
    raise AssertionError(f"no [{name}] in {lines}")


def fetched(lines):
    """{uid: (flags, modseq)} from untagged FETCH lines that carry UID and MODSEQ."""
    out = {}
    for line in lines:
        found = re.match(r"\* \d+ FETCH \((.*)\)$", line)
        if not found:
            continue
        items = found.group(1)
        uid = re.search(r"\bUID (\d+)", items)
        modseq = re.search(r"\bMODSEQ \((\d+)\)", items)
        flags = re.search(r"\bFLAGS \(([^)]*)\)", items)
        assert uid and modseq, line
        out[int(uid.group(1))] = (flags.group(1) if flags else None, int(modseq.group(1)))
    return out


def rename_with_flags(data, subject, flags):
    """Sets Maildir flags on the message with `subject` the way mutt or Dovecot does: a rename."""
    box = maildir_of(data)
    for folder in ("new", "cur"):
        for name in os.listdir(box / folder):
            with open(box / folder / name, "rb") as f:
                if f"Subject: {subject}\n".encode() in f.read():
                    base = name.split(":2,")[0]
                    os.rename(box / folder / name, box / "cur" / f"{base}:2,{flags}")
                    return
    raise AssertionError(f"no message {subject!r}")


def start(tmp_path, layer7, count=5):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    put_messages(data, [message(n) for n in range(1, count + 1)])
    port, proc = start_imap(layer7, data)
    return data, port, proc


def test_changedsince_sees_exactly_what_others_changed(tmp_path, layer7):
    data, port, _ = start(tmp_path, layer7)
    watcher, changer = Raw(port), Raw(port)
    status, lines = watcher.ok("ENABLE CONDSTORE")
    assert "* ENABLED CONDSTORE" in lines
    assert "CONDSTORE" in watcher("CAPABILITY")[1][0]
    status, lines = watcher.ok("SELECT INBOX")
    since = int(code(lines, "HIGHESTMODSEQ"))
    status, lines = watcher.ok("UID FETCH 1:* (UID MODSEQ)")
    before = fetched(lines)
    assert sorted(before) == [1, 2, 3, 4, 5] and all(0 < m <= since for _, m in before.values()), lines

    # The other session (no CONDSTORE) flags 2 and 4; a Maildir tool marks 5 seen by renaming it.
    changer.ok("SELECT INBOX")
    changer.ok("STORE 2,4 +FLAGS.SILENT (\\Flagged)")
    rename_with_flags(data, "message 5", "S")

    status, lines = watcher.ok(f"UID FETCH 1:* (UID FLAGS) (CHANGEDSINCE {since})")
    changed = fetched(lines)
    assert sorted(changed) == [2, 4, 5], lines
    assert changed[2][0] == changed[4][0] == "\\Flagged" and changed[5][0] == "\\Seen", lines
    assert all(m > since for _, m in changed.values()), lines
    # Nothing changed since the highest of those.
    latest = max(m for _, m in changed.values())
    status, lines = watcher.ok(f"FETCH 1:* (FLAGS) (CHANGEDSINCE {latest})")
    assert not [line for line in lines if " FETCH " in line], lines
    status, lines = watcher.ok("STATUS INBOX (HIGHESTMODSEQ)")
    assert lines == [f'* STATUS "INBOX" (HIGHESTMODSEQ {latest})'], lines

    # SEARCH MODSEQ finds the same messages and says the highest of them.
    status, lines = watcher.ok(f"UID SEARCH MODSEQ {since + 1}")
    assert lines == [f"* SEARCH 2 4 5 (MODSEQ {latest})"], lines
    # The watcher's own STORE comes back with the new mod-sequence, and the changer hears of it.
    status, lines = watcher.ok("UID STORE 1 +FLAGS (\\Answered)")
    mine = fetched(lines)
    assert mine[1][0] == "\\Answered" and mine[1][1] > latest, lines
    status, lines = changer.ok("NOOP")
    assert any(re.match(r"\* 1 FETCH \(UID 1 FLAGS \(\\Answered\)\)$", line) for line in lines), lines
    watcher.close()
    changer.close()


def test_unchangedsince_conflict_yields_modified(tmp_path, layer7):
    data, port, _ = start(tmp_path, layer7, count=3)
    first, second = Raw(port), Raw(port)
    for s in (first, second):
        status, lines = s.ok("SELECT INBOX (CONDSTORE)")
        assert code(lines, "HIGHESTMODSEQ")
    status, lines = first.ok("UID FETCH 1:3 (MODSEQ)")
    seen = {uid: m for uid, (_, m) in fetched(lines).items()}

    # Both believe message 1 is at seen[1]; the first to store wins.
    status, lines = first.ok(f"UID STORE 1 (UNCHANGEDSINCE {seen[1]}) +FLAGS (\\Answered)")
    assert status == "OK STORE completed", status
    won = fetched(lines)[1]
    assert won[0] == "\\Answered" and won[1] > seen[1], lines
    status, lines = second.ok(f"UID STORE 1:2 (UNCHANGEDSINCE {seen[1]}) +FLAGS (\\Deleted)")
    assert status.startswith("OK [MODIFIED 1]"), status
    news = fetched(lines)
    assert news[1] == won, lines      # told what it missed: the flags as they are, their modseq
    assert news[2][0] == "\\Deleted", lines  # message 2 had not changed: stored
    # Sequence numbers in MODIFIED for a plain STORE; a fresh UNCHANGEDSINCE succeeds.
    status, lines = second.ok(f"STORE 1 (UNCHANGEDSINCE {seen[1]}) -FLAGS (\\Answered)")
    assert status.startswith("OK [MODIFIED 1]"), status
    status, lines = second.ok(f"STORE 1 (UNCHANGEDSINCE {won[1]}) +FLAGS.SILENT (\\Flagged)")
    assert status == "OK STORE completed" and re.match(r"\* 1 FETCH \(MODSEQ \(\d+\)\)$", lines[0]), (status, lines)
    # On disk: \Answered kept, \Deleted never set on 1, \Flagged added.
    names = os.listdir(maildir_of(data) / "cur")
    flags = sorted(name.split(":2,")[1] for name in names)
    assert flags == ["FR", "T"], names
    first.close()
    second.close()


def test_modseqs_survive_a_restart_and_follow_smtp_and_pop3(tmp_path, layer7):
    data, port, proc = start(tmp_path, layer7, count=3)
    s = Raw(port)
    s.ok("SELECT INBOX (CONDSTORE)")
    s.ok("STORE 2 +FLAGS (\\Flagged)")
    status, lines = s.ok("UID FETCH 1:* (MODSEQ)")
    modseqs = fetched(lines)
    status, lines = s.ok("EXAMINE INBOX")
    validity, highest = code(lines, "UIDVALIDITY"), int(code(lines, "HIGHESTMODSEQ"))
    assert highest == max(m for _, m in modseqs.values())
    s.close()
    rc, _ = proc.stop()
    assert rc == 0, proc.output()

    port, _ = start_imap(layer7, data)
    s = Raw(port)
    status, lines = s.ok("STATUS INBOX (HIGHESTMODSEQ UIDVALIDITY)")
    assert lines == [f'* STATUS "INBOX" (HIGHESTMODSEQ {highest} UIDVALIDITY {validity})'], lines
    status, lines = s.ok("SELECT INBOX")  # STATUS HIGHESTMODSEQ enabled CONDSTORE
    assert int(code(lines, "HIGHESTMODSEQ")) == highest
    assert fetched(s.ok("UID FETCH 1:* (MODSEQ)")[1]) == modseqs

    # New mail by SMTP gets the next mod-sequence; POP3's RETR (\Seen) and DELE raise it again.
    smtp_port, pop_port = free_port(), free_port()
    layer7("--data", str(data), "smtp", "serve", "--domain", DOMAIN, "--listen", f"{HOST}:{smtp_port}",
           "--submission", f"{HOST}:{free_port()}")
    with smtplib.SMTP(HOST, smtp_port, timeout=10) as smtp:
        smtp.sendmail("alice@crepes.fr", [f"bob@{DOMAIN}"], "Subject: pushed\r\n\r\nhello\r\n")
    s.idle_until(r"^\* 4 EXISTS$")  # delivered (the queue delivers a moment after the 250)
    status, lines = s.ok(f"UID FETCH 1:* (UID) (CHANGEDSINCE {highest})")
    assert list(fetched(lines)) == [4] and fetched(lines)[4][1] > highest, lines
    highest = fetched(lines)[4][1]
    layer7("--data", str(data), "pop3", "serve", "--listen", f"{HOST}:{pop_port}", "--domain", DOMAIN)
    p = poplib.POP3(HOST, pop_port, timeout=10)
    p.user("bob")
    p.pass_("hungry")
    p.retr(1)
    p.dele(3)
    p.quit()
    status, lines = s.ok("STATUS INBOX (HIGHESTMODSEQ MESSAGES)")
    now = [re.match(r'\* STATUS "INBOX" \(HIGHESTMODSEQ (\d+) MESSAGES 3\)$', line) for line in lines]
    assert any(now) and int(next(filter(None, now)).group(1)) > highest, lines
    status, lines = s.ok(f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {highest})")
    assert {uid: f for uid, (f, _) in fetched(lines).items()} == {1: "\\Seen"}, lines
    s.close()


def vanished(lines, earlier):
    """The UIDs of "* VANISHED [(EARLIER)] set" lines, expanded."""
    out = []
    prefix = "* VANISHED (EARLIER) " if earlier else "* VANISHED "
    for line in lines:
        if line.startswith(prefix) and (earlier or not line.startswith("* VANISHED (EARLIER)")):
            for part in line[len(prefix):].split(","):
                first, _, last = part.partition(":")
                out.extend(range(int(first), int(last or first) + 1))
    return out


def test_qresync_after_time_away_and_a_restart(tmp_path, layer7):
    data, port, proc = start(tmp_path, layer7, count=6)
    away = Raw(port)
    status, lines = away.ok("ENABLE QRESYNC")
    assert "* ENABLED QRESYNC" in lines and "QRESYNC" in away("CAPABILITY")[1][0]
    status, lines = away.ok("SELECT INBOX")
    validity, since = code(lines, "UIDVALIDITY"), int(code(lines, "HIGHESTMODSEQ"))
    away.close()

    # Meanwhile: 2 and 3 expunged by another session, 5 by POP3, 4 flagged, 7 arrives.
    other = Raw(port)
    other.ok("SELECT INBOX")
    other.ok("STORE 2:3 +FLAGS.SILENT (\\Deleted)")
    other.ok("STORE 4 +FLAGS.SILENT (\\Flagged)")
    other.ok("EXPUNGE")
    other.close()
    pop_port = free_port()
    layer7("--data", str(data), "pop3", "serve", "--listen", f"{HOST}:{pop_port}", "--domain", DOMAIN)
    p = poplib.POP3(HOST, pop_port, timeout=10)
    p.user("bob")
    p.pass_("hungry")
    assert p.stat()[0] == 4
    p.dele(3)  # the fourth message left, UID 5
    p.quit()
    put_messages(data, [message(7)])
    rc, _ = proc.stop()
    assert rc == 0, proc.output()

    port, _ = start_imap(layer7, data)
    back = Raw(port)
    back.ok("ENABLE QRESYNC")
    status, lines = back.ok(f"SELECT INBOX (QRESYNC ({validity} {since}))")
    assert vanished(lines, earlier=True) == [2, 3, 5], lines
    changes = fetched(lines)
    assert sorted(changes) == [4, 7] and changes[4][0] == "\\Flagged", lines
    assert all(m > since for _, m in changes.values()), lines
    assert lines.index(next(line for line in lines if "VANISHED" in line)) < \
        lines.index(next(line for line in lines if " FETCH " in line)), lines  # RFC 7162 §3.2.6
    highest = int(code(lines, "HIGHESTMODSEQ"))
    # Known UIDs narrow the report; an old UIDVALIDITY gets none.
    status, lines = back.ok(f"SELECT INBOX (QRESYNC ({validity} {since} 4:7))")
    assert vanished(lines, earlier=True) == [5] and sorted(fetched(lines)) == [4, 7], lines
    status, lines = back.ok(f"SELECT INBOX (QRESYNC ({int(validity) + 1} {since}))")
    assert not vanished(lines, earlier=True) and not fetched(lines), lines
    status, lines = back.ok(f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {since} VANISHED)")
    assert vanished(lines, earlier=True) == [2, 3, 5] and sorted(fetched(lines)) == [4, 7], lines

    # Live: another session's expunge comes as VANISHED, and every FETCH names its UID.
    other = Raw(port)
    other.ok("SELECT INBOX")
    other.ok("UID STORE 4 +FLAGS.SILENT (\\Deleted)")
    other.ok("EXPUNGE")
    status, lines = back.ok("NOOP")
    assert vanished(lines, earlier=False) == [4] and not [line for line in lines if "EXPUNGE" in line], lines
    status, lines = back.ok("FETCH 1 (FLAGS)")
    assert re.match(r"\* 1 FETCH \(UID 1 FLAGS \(\) MODSEQ \(\d+\)\)$", lines[0]), lines
    status, lines = back.ok(f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {highest} VANISHED)")
    assert vanished(lines, earlier=True) == [4] and not fetched(lines), lines
    # VANISHED needs QRESYNC: CONDSTORE alone is not enough.
    assert other(f"UID FETCH 1:* (FLAGS) (CHANGEDSINCE {since} VANISHED)")[0].startswith("BAD")
    other.close()
    back.close()
