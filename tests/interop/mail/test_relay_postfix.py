"""Postfix (Debian, a private instance on loopback) and layer7 relaying to each other: Postfix's
smtp client delivers hamburger.edu mail to layer7 (with STARTTLS), and layer7's delivery agent
relays postfix.test mail to Postfix, which stores it in a Maildir. Skips when Postfix is missing
or will not start here.
"""
import email
import os
import pwd
import shutil
import smtplib
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import free_port
from smtpkit import HOST, Mta, add_user, maildir_files, wait_mail

HAMBURGER, POSTFIX_DOMAIN = "hamburger.edu", "postfix.test"


class Postfix:
    """`postfix -c DIR start` with everything (config, queue, data, mail) under DIR."""

    def __init__(self, root, port, relay_to=None):
        if not shutil.which("postfix") or os.geteuid() != 0:
            pytest.skip("postfix is not installed, or we are not root (postfix starts as root)")
        self.root, self.port = root, port
        self.conf, self.mail = root / "etc", root / "mail"
        for d in (self.conf, root / "queue", root / "data", self.mail):
            d.mkdir(parents=True, exist_ok=True)
        pw = pwd.getpwnam("postfix")
        shutil.chown(root / "data", pw.pw_uid, pw.pw_gid)
        shutil.chown(self.mail, pw.pw_uid, pw.pw_gid)
        transport = f"inline:{{ {HAMBURGER}=smtp:[127.0.0.1]:{relay_to} }}" if relay_to else ""
        (self.conf / "main.cf").write_text(f"""
compatibility_level = 3.6
queue_directory = {root}/queue
data_directory = {root}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.{POSTFIX_DOMAIN}
mydomain = {POSTFIX_DOMAIN}
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
maillog_file = {root}/maillog
maillog_file_prefixes = {root}
alias_maps =
alias_database =
smtputf8_enable = no
smtpd_tls_security_level = none
smtp_tls_security_level = may
smtp_dns_support_level = disabled
transport_maps = {transport}
virtual_mailbox_domains = {POSTFIX_DOMAIN}
virtual_mailbox_base = {self.mail}
virtual_mailbox_maps = inline:{{ carol@{POSTFIX_DOMAIN}=carol/ }}
virtual_uid_maps = static:{pw.pw_uid}
virtual_gid_maps = static:{pw.pw_gid}
""")
        master = (open("/etc/postfix/master.cf").read()
                  .replace("smtp      inet  n       -       y       -       -       smtpd",
                           f"{HOST}:{port} inet  n       -       n       -       -       smtpd"))
        lines = []
        for line in master.splitlines():  # no chroot: nothing is copied into the private queue
            f = line.split()
            if len(f) >= 8 and not line.startswith((" ", "\t", "#")) and f[4] == "y":
                f[4] = "n"
                line = " ".join(f)
            lines.append(line)
        (self.conf / "master.cf").write_text("\n".join(lines) + "\n")
        r = subprocess.run(["postfix", "-c", str(self.conf), "start"], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            pytest.skip(f"postfix will not start here: {r.stderr.strip()[:300]}")
        end = time.monotonic() + 15
        while True:
            try:
                with smtplib.SMTP(HOST, port, timeout=2) as s:
                    s.noop()
                break
            except OSError:
                if time.monotonic() > end:
                    self.stop()
                    pytest.skip("postfix did not open its port")
                time.sleep(0.1)

    def log(self):
        p = self.root / "maillog"
        return p.read_text() if p.exists() else ""

    def stop(self):
        subprocess.run(["postfix", "-c", str(self.conf), "stop"], capture_output=True, timeout=60)


@pytest.fixture
def postfix_factory():
    started, roots = [], []

    def start(name, relay_to=None):
        # Not under pytest's tmp_path: that is mode 0700, and Postfix's daemons run as `postfix`.
        roots.append(tempfile.mkdtemp(prefix=f"layer7-{name}-"))
        os.chmod(roots[-1], 0o755)
        p = Postfix(Path(roots[-1]), free_port(), relay_to)
        started.append(p)
        return p

    yield start
    for p in started:
        p.stop()
    for r in roots:
        shutil.rmtree(r, ignore_errors=True)


def test_postfix_relays_to_layer7(layer7, tmp_path, postfix_factory):
    data = tmp_path / "hamburger"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", HAMBURGER)
    ours = Mta(layer7, data, [HAMBURGER], "--hostname", "mail.hamburger.edu")
    pf = postfix_factory("pf-out", relay_to=ours.relay_port)
    with smtplib.SMTP(HOST, pf.port, timeout=10) as s:
        assert s.sendmail("alice@crepes.fr", ["bob@hamburger.edu"],
                          "Subject: via postfix\r\n\r\nrelayed by Postfix\r\n") == {}
    try:
        [stored] = wait_mail(ours.maildir("bob", HAMBURGER), deadline=30)
    except TimeoutError:
        raise AssertionError("postfix log:\n" + pf.log())
    msg = email.message_from_bytes(stored)
    received = msg.get_all("Received")
    assert "by mail.hamburger.edu" in received[0] and "with ESMTPS" in received[0]  # Postfix used STARTTLS
    assert "mx.postfix.test" in received[1]
    assert b"relayed by Postfix" in stored


def test_layer7_relays_to_postfix(layer7, tmp_path, postfix_factory):
    pf = postfix_factory("pf-in")
    data = tmp_path / "crepes"
    data.mkdir()
    add_user(data / "users", "alice", "wonderland", "crepes.fr")
    ours = Mta(layer7, data, ["crepes.fr"], "--hostname", "mail.crepes.fr", "--trust", "127.0.0.0/8",
               "--route", f"{POSTFIX_DOMAIN}=127.0.0.1:{pf.port}", "--retry-min", "1")
    with smtplib.SMTP(HOST, ours.relay_port, timeout=10) as s:
        assert s.sendmail("alice@crepes.fr", [f"carol@{POSTFIX_DOMAIN}"],
                          "Subject: to postfix\r\n\r\nrelayed by layer7\r\n") == {}
    box = pf.mail / "carol"
    try:
        [stored] = wait_mail(box, deadline=30)
    except TimeoutError:
        raise AssertionError("postfix log:\n" + pf.log())
    assert b"relayed by layer7" in stored
    assert b"by mail.crepes.fr" in stored
    assert f"relay={HOST}[{HOST}]:{pf.port}" in pf.log() or "status=sent" in pf.log()
