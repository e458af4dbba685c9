"""One mail system in `layer7 up`: SMTP, POP3 and IMAP share one view of the users file (re-read at
SIGHUP for all of them) and one delivery notice (an IDLE wakes from it when inotify is unavailable).

Every wait has a deadline; nothing sleeps to synchronise. Loopback only.
"""
import imaplib
import os
import poplib
import signal
import smtplib
import sys

import pytest

from conftest import Process, free_port, layer7_bin, stop_all
from smtpkit import HOST, add_user, inotify_off, user_line

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "imap"))
from imapkit import read_until  # noqa: E402

DOMAIN = "hamburger.edu"


def config(tmp_path, data):
    ports = {name: free_port() for name in ("smtp", "submission", "pop3", "imap")}
    path = tmp_path / "mail.toml"
    path.write_text(f"""
[runtime]
data = "{data}"

[smtp]
listen = "{HOST}:{ports['smtp']}"
submission = "{HOST}:{ports['submission']}"
domains = ["{DOMAIN}"]
tls = false
auth_failure_delay_ms = 0

[pop3]
listen = "{HOST}:{ports['pop3']}"
domain = "{DOMAIN}"
tls = false
auth_failure_delay_ms = 0

[imap]
listen = "{HOST}:{ports['imap']}"
domain = "{DOMAIN}"
tls = false
auth_failure_delay_ms = 0
""")
    return path, ports


def logins(ports, user, password):
    """Which services let `user` in: SMTP AUTH on submission, POP3, IMAP; and does SMTP take mail for it."""
    seen = {}
    with smtplib.SMTP(HOST, ports["submission"], timeout=10) as s:
        try:
            s.login(user, password)
            seen["smtp"] = True
        except smtplib.SMTPAuthenticationError:
            seen["smtp"] = False
    pop = poplib.POP3(HOST, ports["pop3"], timeout=10)
    try:
        pop.user(user)
        pop.pass_(password)
        seen["pop3"] = True
    except poplib.error_proto:
        seen["pop3"] = False
    finally:
        pop.quit()
    imap = imaplib.IMAP4(HOST, ports["imap"], timeout=10)
    try:
        imap.login(user, password)
        seen["imap"] = True
        imap.logout()
    except imaplib.IMAP4.error:
        seen["imap"] = False
        imap.shutdown()
    with smtplib.SMTP(HOST, ports["smtp"], timeout=10) as s:
        s.ehlo()
        s.mail("alice@crepes.fr")
        seen["rcpt"] = s.rcpt(f"{user}@{DOMAIN}")[0] == 250
    return seen


def test_a_user_added_and_sighup_reaches_every_service(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    users = data / "users"
    add_user(users, "bob", "hungry", DOMAIN)
    carol = user_line("carol", "secret") + f":domain={DOMAIN}\n"
    # carol's line later takes this comment's place in the same file, at the same size and mtime:
    # a look at the file's stat cannot tell, only SIGHUP makes the services read it again.
    with open(users, "a") as f:
        f.write("#" + "x" * (len(carol) - 2) + "\n")
    path, ports = config(tmp_path, data)
    up = Process([layer7_bin(), "up", "--config", str(path)], deadline=30)
    try:
        assert logins(ports, "bob", "hungry") == {"smtp": True, "pop3": True, "imap": True, "rcpt": True}
        before = os.stat(users)
        with open(users, "r+") as f:
            text = f.read()
            f.seek(0)
            f.write(text[: text.index("#")] + carol)
        os.utime(users, ns=(before.st_atime_ns, before.st_mtime_ns))
        after = os.stat(users)
        assert (after.st_ino, after.st_size, after.st_mtime_ns) == (before.st_ino, before.st_size, before.st_mtime_ns)
        assert logins(ports, "carol", "secret") == {"smtp": False, "pop3": False, "imap": False, "rcpt": False}
        up.proc.send_signal(signal.SIGHUP)
        up.wait_output("reload: 3 services unchanged", deadline=15)
        assert logins(ports, "carol", "secret") == {"smtp": True, "pop3": True, "imap": True, "rcpt": True}
    finally:
        for p, rc in stop_all([up]):
            assert rc == 0, p.output()


def test_idle_without_inotify_wakes_on_smtp_delivery(tmp_path):
    prefix = inotify_off()
    if prefix is None:
        pytest.skip("no user namespaces here (unshare -Ur) to take inotify away")
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    path, ports = config(tmp_path, data)
    up = Process(prefix + [layer7_bin(), "up", "--config", str(path)], deadline=30)
    try:
        m = imaplib.IMAP4(HOST, ports["imap"], timeout=15)
        m.login("bob", "hungry")
        assert m.select("INBOX")[1] == [b"0"]
        tag = m._new_tag()
        m.send(tag + b" IDLE\r\n")
        assert m.file.readline().startswith(b"+")
        with smtplib.SMTP(HOST, ports["smtp"], timeout=10) as s:
            s.sendmail("alice@crepes.fr", [f"bob@{DOMAIN}"], "Subject: pushed\r\n\r\nhello\r\n")
        read_until(m.file, b"* 1 EXISTS")
        m.send(b"DONE\r\n")
        read_until(m.file, tag + b" OK")
        m.logout()
    finally:
        for p, rc in stop_all([up]):
            assert rc == 0, p.output()
