"""Real IMAP clients against `layer7 imap serve`: mbsync (isync) synchronising both ways with a local
Maildir, fetchmail over IMAP, and IDLE seeing a message the moment our SMTP server delivers it
(smtplib → `layer7 smtp serve` → Maildir → the IDLE-ing imaplib session).
"""
import os
import shutil
import smtplib
import subprocess
import textwrap

import pytest

from conftest import free_port
from imapkit import DOMAIN, HOST, add_user, login, maildir_of, message, put_messages, read_until, start_imap

MBSYNC = shutil.which("mbsync")
FETCHMAIL = shutil.which("fetchmail")


@pytest.fixture
def bob(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    put_messages(data, [message(1), message(2), message(3)])
    port, proc = start_imap(layer7, data)
    return port, data


def test_idle_sees_smtp_delivery(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    port, _ = start_imap(layer7, data)
    smtp_port = free_port()
    layer7("--data", str(data), "smtp", "serve", "--domain", DOMAIN, "--listen", f"{HOST}:{smtp_port}",
           "--submission", f"{HOST}:{free_port()}")
    m = login(port)
    assert m.select("INBOX")[1] == [b"0"]
    tag = m._new_tag()
    m.send(tag + b" IDLE\r\n")
    f = m.file
    assert f.readline().startswith(b"+")
    with smtplib.SMTP(HOST, smtp_port, timeout=10) as s:
        s.sendmail("alice@crepes.fr", [f"bob@{DOMAIN}"], "Subject: pushed\r\n\r\nhello\r\n")
    read_until(f, b"* 1 EXISTS")
    m.send(b"DONE\r\n")
    read_until(f, tag + b" OK")
    typ, d = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert b"pushed" in d[0][1]
    m.logout()


def mbsync_config(tmp_path, port, local):
    conf = tmp_path / "mbsyncrc"
    conf.write_text(textwrap.dedent(f"""\
        IMAPAccount layer7
        Host {HOST}
        Port {port}
        User bob
        Pass hungry
        SSLType None
        AuthMechs LOGIN

        IMAPStore remote
        Account layer7

        MaildirStore local
        Path {local}/
        Inbox {local}/INBOX
        SubFolders Verbatim

        Channel sync
        Far :remote:
        Near :local:
        Patterns *
        Create Both
        Expunge Both
        SyncState *
        """))
    return conf


def mbsync(conf):
    r = subprocess.run([MBSYNC, "-c", str(conf), "-a"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    return r


def files(d):
    return sorted(os.listdir(d)) if d.exists() else []


@pytest.mark.skipif(not MBSYNC, reason="mbsync (isync) not installed")
def test_mbsync_both_ways(bob, tmp_path):
    port, data = bob
    local = tmp_path / "local"
    local.mkdir()
    conf = mbsync_config(tmp_path, port, local)
    mbsync(conf)
    # Down: the three messages and the special folders.
    inbox = files(local / "INBOX" / "cur") + files(local / "INBOX" / "new")
    assert len(inbox) == 3
    for name in ("Sent", "Drafts", "Trash", "Junk"):
        assert (local / name).is_dir(), os.listdir(local)
    # Up: a message written into the local Sent folder, and a flag set locally.
    sent = local / "Sent"
    (sent / "cur").mkdir(parents=True, exist_ok=True)
    (sent / "cur" / "1700000000.local1.host:2,S").write_text("From: bob@hamburger.edu\nSubject: up\n\nsent\n")
    first = (local / "INBOX" / "cur" / inbox[0]) if (local / "INBOX" / "cur" / inbox[0]).exists() else \
        (local / "INBOX" / "new" / inbox[0])
    flagged = first.parent.parent / "cur" / (first.name.split(":2,")[0] + ":2,F")
    first.rename(flagged)
    mbsync(conf)
    m = login(port)
    m.select("Sent")
    typ, d = m.fetch("1:*", "(FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert b"Subject: up" in d[0][1] and b"\\Seen" in d[0][0]
    m.select("INBOX")
    assert m.search(None, "FLAGGED")[1] != [b""]
    # And back down: a message appended on the server and one deleted there.
    m.append("INBOX", None, None, b"Subject: four\r\n\r\n4\r\n")
    m.store("2", "+FLAGS", "(\\Deleted)")
    m.expunge()
    m.logout()
    mbsync(conf)
    assert len(files(local / "INBOX" / "cur") + files(local / "INBOX" / "new")) == 3


@pytest.mark.skipif(not FETCHMAIL, reason="fetchmail not installed")
def test_fetchmail_over_imap(bob, tmp_path):
    port, data = bob
    home = tmp_path / "home"
    home.mkdir()
    spool = tmp_path / "spool"
    spool.mkdir()
    mda = tmp_path / "mda.sh"
    mda.write_text(f"#!/bin/sh\ncat > {spool}/$(date +%s%N).$$.eml\n")
    mda.chmod(0o755)
    rc = home / ".fetchmailrc"
    rc.write_text(textwrap.dedent(f"""\
        set no bouncemail
        poll {HOST} with proto IMAP port {port}
            user "bob" there with password "hungry" is "bob" here
            sslproto ''
            options fetchall
            mda "{mda}"
        """))
    rc.chmod(0o600)
    env = {**os.environ, "HOME": str(home), "FETCHMAILHOME": str(home)}
    r = subprocess.run([FETCHMAIL, "-f", str(rc), "--nosyslog", "-v"], env=env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    got = [p.read_text() for p in sorted(spool.iterdir())]
    assert len(got) == 3
    for n in (1, 2, 3):
        assert any(f"Subject: message {n}" in g for g in got)
    # fetchmail deletes what it fetched (no keep): flagged \Deleted and expunged
    assert files(maildir_of(data) / "new") == [] and files(maildir_of(data) / "cur") == []
