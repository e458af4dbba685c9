"""Dovecot and `layer7 imap serve` on the SAME Maildir++ directory at once: what one server writes
(flags, folders — nested and special-use —, subscriptions, appended and moved mail) the other shows
identically. Each side's view (LIST, LSUB, and per folder every message's Message-ID, system flags,
RFC822.SIZE, INTERNALDATE and body digest) is read through imaplib from both servers and compared.

Both servers run as the same unprivileged user (Dovecot refuses root for mail access; as root the
test starts layer7 as Dovecot's mail user with setpriv), as two servers sharing a store would.
"""
import hashlib
import imaplib
import os
import pathlib
import re
import shutil
import sys
import tempfile

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail"))
from test_fetch import dovecot_identities, start_dovecot  # noqa: E402  (the POP3 tests' Dovecot set-up)

from conftest import Process, free_port, layer7_bin, stop_all  # noqa: E402
from imapkit import DOMAIN, HOST, add_user, put_messages  # noqa: E402

pytestmark = pytest.mark.skipif(not os.path.exists("/usr/lib/dovecot/imap"),
                                reason="dovecot-imapd not installed (tools/setup.sh test)")

# Dovecot's Maildir++ namespace as Debian's 15-mailboxes.conf has it: '.' between levels, and the
# special-use folders layer7 creates at first login.
NAMESPACE = """namespace inbox {
  inbox = yes
  separator = .
  mailbox Drafts {
    special_use = \\Drafts
  }
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Trash {
    special_use = \\Trash
  }
  mailbox Junk {
    special_use = \\Junk
  }
}
"""
ATTRIBUTES = {"\\HasChildren", "\\HasNoChildren", "\\Noselect", "\\NonExistent", "\\Drafts", "\\Sent", "\\Trash",
              "\\Junk"}
SYSTEM_FLAGS = {"\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft"}
LIST_LINE = re.compile(rb'^\(([^)]*)\) (?:"."|NIL) (?:"((?:[^"\\]|\\.)*)"|(\S+))$')


def mail(n, extra=""):
    return (f"Message-ID: <m{n}@crosscheck.test>\nFrom: Alice <alice@crepes.fr>\nTo: bob@{DOMAIN}\n"
            f"Subject: message {n}\nDate: Tue, 1 Jul 2003 10:52:37 +0200\n{extra}\nbody {n}\n")


@pytest.fixture
def servers():
    """(layer7 port, Dovecot port, the user's Maildir): both serving one store."""
    ids = dovecot_identities()
    if not ids:
        pytest.skip("no user for Dovecot's mail processes (dovecot-imapd not installed?)")
    uid, gid = ids[3], ids[4]
    # Dovecot's unprivileged processes must reach the store: a world-traversable directory.
    base = pathlib.Path(tempfile.mkdtemp(prefix="layer7-dovecot-cross-"))
    base.chmod(0o755)
    data = base / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    put_messages(data, [mail(1), mail(2), mail(3, "Cc: carol@crepes.fr\n")])
    root = data / "mail" / DOMAIN
    dovecot, dovecot_port = start_dovecot(base, root, "imap", NAMESPACE)  # chowns base to the mail user
    if not dovecot:
        log = base / "log"
        text = log.read_text()[-500:] if log.exists() else ""
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail("dovecot imap did not start: " + text)
    prefix = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"] if os.getuid() == 0 else []
    port = free_port()
    layer7 = Process([*prefix, layer7_bin(), "--data", str(data), "imap", "serve", "--listen", f"{HOST}:{port}",
                      "--domain", DOMAIN, "--auth-failure-delay", "50"])
    try:
        # The first login makes the special-use folders, as for any new layer7 user.
        m = imaplib.IMAP4(HOST, port, timeout=15)
        m.login("bob", "hungry")
        m.logout()
        yield port, dovecot_port, root / "bob"
    finally:
        dovecot.terminate()
        dovecot.wait(timeout=10)
        ((_, rc),) = stop_all([layer7])
        log = (base / "log").read_text() if (base / "log").exists() else ""
        shutil.rmtree(base, ignore_errors=True)
    assert rc == 0, layer7.output()
    assert " Error: " not in log and "Panic" not in log, log  # Dovecot found nothing wrong in our files


def session(port):
    m = imaplib.IMAP4(HOST, port, timeout=15)
    m.login("bob", "hungry")
    return m


def quote(name):
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ok(result, what=""):
    typ, data = result
    assert typ == "OK", f"{what}: {typ} {data}"
    return data


def listed(m, command):
    out = {}
    for line in ok(m.list('""', "*") if command == "LIST" else m.lsub('""', "*"), command):
        if line is None:
            continue
        found = LIST_LINE.match(line)
        assert found, line
        name = (found.group(2) or found.group(3)).decode()
        attrs = {a for a in found.group(1).decode().split() if a in ATTRIBUTES}
        out[name] = frozenset(attrs)
    return out


def view(port):
    """What a fresh session of the server on `port` sees: (LIST, LSUB names, per-folder contents)."""
    m = session(port)
    folders = listed(m, "LIST")
    subscribed = set(listed(m, "LSUB"))
    contents = {}
    for name, attrs in folders.items():
        if "\\Noselect" in attrs or "\\NonExistent" in attrs:
            continue
        if ok(m.select(quote(name), readonly=True), f"EXAMINE {name}") == [b"0"]:
            contents[name] = []  # Dovecot answers FETCH 1:* in an empty folder with BAD
            continue
        m.untagged_responses.pop("FETCH", None)
        data = ok(m.fetch("1:*", "(FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])"), f"FETCH in {name}")
        messages = []
        for item in data:
            if not isinstance(item, tuple):
                continue
            head, body = item
            flags = set(re.search(rb"FLAGS \(([^)]*)\)", head).group(1).decode().split())
            mid = re.search(rb"Message-ID: (<[^>]+>)", body, re.I).group(1).decode()
            messages.append((mid, frozenset(flags & SYSTEM_FLAGS), frozenset(f for f in flags if not f.startswith("\\")),
                             int(re.search(rb"RFC822.SIZE (\d+)", head).group(1)),
                             imaplib.Internaldate2tuple(head)[:6] if imaplib.Internaldate2tuple(head) else None,
                             hashlib.sha256(body).hexdigest()))
        contents[name] = sorted(messages)
    m.logout()
    return folders, subscribed, contents


def without_keywords(v):
    folders, subscribed, contents = v
    return folders, subscribed, {n: [(mid, f, size, date, h) for mid, f, _, size, date, h in ms]
                                 for n, ms in contents.items()}


def by_mid(contents, folder):
    return {mid: (flags, keywords) for mid, flags, keywords, *_ in contents[folder]}


def number(m, n):
    """The sequence number of message n (<mN@crosscheck.test>) in the selected folder: the servers
    number the messages they did not deliver in an order of their own."""
    found = ok(m.search(None, "HEADER", "Message-ID", f"<m{n}@crosscheck.test>"))[0].split()
    assert len(found) == 1, found
    return found[0].decode()


def test_layer7_writes_dovecot_reads(servers):
    port, dovecot_port, maildir = servers
    m = session(port)
    ok(m.create("Projects.2024"), "CREATE nested")  # makes Projects as well (RFC 3501 §6.3.3)
    ok(m.create("Receipts"))
    ok(m.subscribe("Projects.2024"))
    ok(m.select("INBOX"))
    ok(m.store(number(m, 1), "+FLAGS", "(\\Seen)"))
    ok(m.store(number(m, 2), "+FLAGS", "(\\Flagged \\Answered)"))
    ok(m.store(number(m, 3), "+FLAGS", "(\\Deleted)"))
    ok(m.append("Projects.2024", "(\\Draft \\Seen)", None, mail(4).replace("\n", "\r\n").encode()))
    ok(m.append("Sent", None, None, mail(5).encode()))
    ok(m._simple_command("MOVE", number(m, 2), "Receipts"), "MOVE")
    m.logout()

    ours, theirs = view(port), view(dovecot_port)
    folders, subscribed, contents = theirs
    # What layer7 wrote, as Dovecot reads it.
    assert folders["Sent"] >= {"\\Sent"} and folders["Trash"] >= {"\\Trash"}, folders
    assert folders["Projects"] == {"\\HasChildren"} and folders["Projects.2024"] == {"\\HasNoChildren"}, folders
    assert {"INBOX", "Projects.2024", "Sent", "Drafts"} <= subscribed, subscribed
    assert by_mid(contents, "INBOX") == {"<m1@crosscheck.test>": ({"\\Seen"}, set()),
                                         "<m3@crosscheck.test>": ({"\\Deleted"}, set())}
    assert by_mid(contents, "Receipts") == {"<m2@crosscheck.test>": ({"\\Flagged", "\\Answered"}, set())}
    assert by_mid(contents, "Projects.2024") == {"<m4@crosscheck.test>": ({"\\Draft", "\\Seen"}, set())}
    assert by_mid(contents, "Sent") == {"<m5@crosscheck.test>": (set(), set())}
    # And the two servers agree on everything, sizes, dates and bytes included.
    assert ours == theirs


def test_dovecot_writes_layer7_reads(servers):
    port, dovecot_port, maildir = servers
    d = session(dovecot_port)
    ok(d.create("Archive.2023"), "CREATE nested")  # Dovecot makes no Archive folder: \Noselect
    ok(d.subscribe("Archive.2023"))
    ok(d.append("INBOX", "(\\Flagged $Important)", None, mail(4).replace("\n", "\r\n").encode()))
    ok(d.append("Archive.2023", "(\\Seen \\Answered)", None, mail(5).replace("\n", "\r\n").encode()))
    ok(d.select("INBOX"))
    ok(d.store(number(d, 2), "+FLAGS", "(\\Seen \\Draft)"))
    ok(d.store(number(d, 3), "+FLAGS", "(\\Deleted)"))
    ok(d.expunge())
    ok(d._simple_command("MOVE", number(d, 1), "Archive.2023"), "MOVE")
    d.logout()

    ours, theirs = view(port), view(dovecot_port)
    folders, subscribed, contents = ours
    # What Dovecot wrote, as layer7 reads it.
    assert folders["Archive"] == {"\\Noselect", "\\HasChildren"}, folders
    assert folders["Archive.2023"] == {"\\HasNoChildren"} and folders["Junk"] >= {"\\Junk"}, folders
    assert "Archive.2023" in subscribed and "INBOX" in subscribed, subscribed
    assert {mid: flags for mid, (flags, _) in by_mid(contents, "INBOX").items()} == {
        "<m2@crosscheck.test>": {"\\Seen", "\\Draft"}, "<m4@crosscheck.test>": {"\\Flagged"}}
    assert {mid: flags for mid, (flags, _) in by_mid(contents, "Archive.2023").items()} == {
        "<m1@crosscheck.test>": set(), "<m5@crosscheck.test>": {"\\Seen", "\\Answered"}}
    # layer7 keeps no keywords, so those are compared only from Dovecot's side, below.
    assert without_keywords(ours) == without_keywords(theirs)

    # A flag layer7 changes keeps the keyword Dovecot set (its letter in the file name).
    assert by_mid(theirs[2], "INBOX")["<m4@crosscheck.test>"] == ({"\\Flagged"}, {"$Important"})
    m = session(port)
    ok(m.select("INBOX"))
    uid = re.search(rb"UID (\d+)", ok(m.fetch(number(m, 4), "(UID)"))[0]).group(1).decode()
    ok(m.uid("STORE", uid, "+FLAGS", "(\\Answered)"))
    ok(m.uid("STORE", uid, "-FLAGS", "(\\Flagged)"))
    m.logout()
    ours, theirs = view(port), view(dovecot_port)
    assert by_mid(theirs[2], "INBOX")["<m4@crosscheck.test>"] == ({"\\Answered"}, {"$Important"})
    assert without_keywords(ours) == without_keywords(theirs)
