"""`layer7 mail fetch --pop3` against our server (download-and-delete, --keep, STLS) and against
Dovecot's POP3 (when it starts on loopback as a non-daemon); fetchmail against our server."""
import mailbox
import os
import pathlib
import shutil
import subprocess
import tempfile
import textwrap
import time

import pytest

from conftest import Process, free_port, layer7_bin, run, wait_tcp
from test_pop3 import DOMAIN, add_user, login, maildir_of, message, put_messages, start_pop3


def fetch(port, out, *extra, password="hungry", user="bob", tmp=None):
    pw = (tmp or out.parent) / "password"
    pw.write_text(password + "\n")
    return run([layer7_bin(), "mail", "fetch", "--pop3", f"127.0.0.1:{port}", "--user", user,
                "--password-file", str(pw), "-o", str(out), *extra])


def local_messages(out):
    box = mailbox.Maildir(str(out), create=False)
    return sorted((m["Subject"], m.get_payload()) for m in box)


@pytest.fixture
def server(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry")
    originals = [message(1), message(2, body=".dot\n..dots\n.\nend"), message(3, body="x" * 5000)]
    put_messages(data, "bob", originals)
    port, _ = start_pop3(layer7, data)
    return port, data, originals


def test_fetch_downloads_and_deletes(server, tmp_path):
    port, data, originals = server
    out = tmp_path / "Maildir"
    r = fetch(port, out)
    assert r.returncode == 0, r.stderr
    assert "fetched 3 messages" in r.stdout and "3 deleted" in r.stdout
    stored = sorted(open(out / "new" / f, "rb").read() for f in os.listdir(out / "new"))
    # Byte-exact: LF in, CRLF on the wire, dot-stuffed and un-stuffed, LF again on disk.
    assert stored == sorted(o.encode() for o in originals)
    assert os.listdir(out / "tmp") == []
    assert os.listdir(maildir_of(data, "bob") / "new") == [] and os.listdir(maildir_of(data, "bob") / "cur") == []
    r = fetch(port, out)
    assert r.returncode == 0 and "fetched 0 messages" in r.stdout


def test_fetch_keep_leaves_messages_flagged_seen(server, tmp_path):
    port, data, _ = server
    out = tmp_path / "Maildir"
    r = fetch(port, out, "--keep")
    assert r.returncode == 0, r.stderr
    assert "fetched 3 messages" in r.stdout and "deleted" not in r.stdout
    assert len(os.listdir(out / "new")) == 3
    box = mailbox.Maildir(str(maildir_of(data, "bob")), create=False)
    assert len(box) == 3
    assert all(m.get_subdir() == "cur" and "S" in m.get_flags() for m in box)
    r = fetch(port, tmp_path / "again", "--keep")
    assert r.returncode == 0 and "fetched 3 messages" in r.stdout


def test_fetch_with_starttls(server, tmp_path):
    port, data, _ = server
    out = tmp_path / "Maildir"
    r = fetch(port, out, "--starttls", "--tls-ca", str(data / "tls" / "dev-cert.pem"), "--keep")
    assert r.returncode == 0, r.stderr
    assert "fetched 3 messages" in r.stdout
    r = fetch(port, tmp_path / "insecure", "--starttls", "--insecure", "--keep")
    assert r.returncode == 0, r.stderr
    r = fetch(port, tmp_path / "unverified", "--starttls", "--keep")  # self-signed: refused
    assert r.returncode == 1 and "TLS" in r.stderr


def test_fetch_reports_auth_failure(server, tmp_path):
    port, _, _ = server
    r = fetch(port, tmp_path / "Maildir", password="wrong")
    assert r.returncode == 1 and "[AUTH]" in r.stderr
    assert r.stdout == ""  # no "fetched 0 messages" summary for a session that never logged in


def test_fetch_refused_while_mailbox_in_use(server, tmp_path):
    port, _, _ = server
    holder = login(port)
    r = fetch(port, tmp_path / "Maildir")
    assert r.returncode == 1 and "[IN-USE]" in r.stderr
    assert r.stdout == ""
    holder.quit()


def test_fetch_unreachable_server(tmp_path):
    r = fetch(free_port(), tmp_path / "Maildir")
    assert r.returncode == 1 and "cannot connect" in r.stderr


def test_our_maildir_served_again_round_trips(server, tmp_path, layer7):
    """Messages our fetch delivered, served by a second server, come back byte-identical."""
    port, _, originals = server
    data2 = tmp_path / "data2"
    data2.mkdir()
    add_user(data2 / "users", "carol", "pw")
    out = maildir_of(data2, "carol")
    assert fetch(port, out, tmp=tmp_path).returncode == 0
    port2, _ = start_pop3(layer7, data2)
    again = tmp_path / "again"
    r = fetch(port2, again, user="carol", password="pw", tmp=tmp_path)
    assert r.returncode == 0, r.stderr
    stored = sorted(open(again / "new" / f, "rb").read() for f in os.listdir(again / "new"))
    assert stored == sorted(o.encode() for o in originals)


FETCHMAIL = shutil.which("fetchmail")


@pytest.mark.skipif(not FETCHMAIL, reason="fetchmail not installed")
@pytest.mark.parametrize("tls", [False, True], ids=["plain", "stls"])
def test_fetchmail_downloads_with_mda(server, tmp_path, tls):
    port, data, originals = server
    home = tmp_path / "home"
    home.mkdir()
    spool = tmp_path / "spool"
    spool.mkdir()
    mda = tmp_path / "mda.sh"
    mda.write_text(f"#!/bin/sh\ncat > {spool}/$(date +%s%N).$$.eml\n")
    mda.chmod(0o755)
    tls_options = "sslproto tls1.2+ no sslcertck" if tls else "sslproto ''"
    rc = home / ".fetchmailrc"
    rc.write_text(textwrap.dedent(f"""\
        set no bouncemail
        poll 127.0.0.1 with proto POP3 port {port} uidl
            user "bob" there with password "hungry" is "bob" here
            {tls_options}
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
    assert any(".dot\n..dots\n.\nend" in g for g in got)  # un-stuffed back
    assert os.listdir(maildir_of(data, "bob") / "new") == [] and os.listdir(maildir_of(data, "bob") / "cur") == []
    if tls:
        assert "STLS" in r.stdout + r.stderr


DOVECOT = shutil.which("dovecot") or (os.path.exists("/usr/sbin/dovecot") and "/usr/sbin/dovecot")


def dovecot_identities():
    """(login user, internal user, mail uid, mail gid): Dovecot runs neither login nor mail processes as root."""
    import grp
    import pwd
    if os.getuid() != 0:
        me = pwd.getpwuid(os.getuid()).pw_name
        return me, me, grp.getgrgid(os.getgid()).gr_name, os.getuid(), os.getgid()
    try:
        login = pwd.getpwnam("dovenull").pw_name
        internal = pwd.getpwnam("dovecot").pw_name
        mail = pwd.getpwnam("mail")
    except KeyError:
        return None
    return login, internal, grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name, mail.pw_uid, mail.pw_gid


def start_dovecot(base, maildir_root, protocol="pop3", extra=""):
    """Dovecot's POP3 (or IMAP) on loopback in the foreground with a throw-away config and `extra`
    lines; (None, None) if it won't start."""
    ids = dovecot_identities()
    if not DOVECOT or not ids:
        return None, None
    login_user, internal_user, internal_group, uid, gid = ids
    port = free_port()
    passwd = base / "passwd"
    passwd.write_text("bob:{PLAIN}hungry\n")
    conf = base / "dovecot.conf"
    conf.write_text(textwrap.dedent(f"""\
        base_dir = {base}/run
        state_dir = {base}/state
        log_path = {base}/log
        instance_name = layer7-test-{port}
        protocols = {protocol}
        listen = 127.0.0.1
        ssl = no
        disable_plaintext_auth = no
        auth_mechanisms = plain
        default_internal_user = {internal_user}
        default_internal_group = {internal_group}
        default_login_user = {login_user}
        first_valid_uid = {min(uid, 1)}
        first_valid_gid = 0
        mail_location = maildir:{maildir_root}/%u
        passdb {{
          driver = passwd-file
          args = {passwd}
        }}
        userdb {{
          driver = static
          args = uid={uid} gid={gid} home={maildir_root}/%u
        }}
        service {protocol}-login {{
          chroot =
          inet_listener {protocol} {{
            address = 127.0.0.1
            port = {port}
          }}
          inet_listener {protocol}s {{
            port = 0
          }}
        }}
        service anvil {{
          chroot =
        }}
        """) + extra)
    for path, _, names in os.walk(base):
        for p in [path] + [os.path.join(path, n) for n in names]:
            os.chown(p, uid, gid)
    proc = subprocess.Popen([DOVECOT, "-F", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_tcp("127.0.0.1", port, deadline=10)
    except TimeoutError:
        proc.kill()
        proc.wait()
        return None, None
    return proc, port


def test_fetch_from_dovecot(tmp_path):
    # Dovecot's unprivileged processes must reach its files: a world-traversable directory.
    base = pathlib.Path(tempfile.mkdtemp(prefix="layer7-dovecot-"))
    base.chmod(0o755)
    try:
        root = base / "mail"
        root.mkdir()
        originals = [message(1), message(2, body=".dot\n..dots\nend")]
        box = mailbox.Maildir(str(root / "bob"), create=True)
        for m in originals:
            box.add(m.encode())
        proc, port = start_dovecot(base, root)
        if not proc:
            log = base / "log"
            pytest.skip("dovecot did not start: " + (log.read_text()[-500:] if log.exists() else "not installed"))
        try:
            out = tmp_path / "Maildir"
            r = fetch(port, out, tmp=tmp_path)
            assert r.returncode == 0, r.stderr + (base / "log").read_text()
            assert "fetched 2 messages" in r.stdout
            stored = sorted(open(out / "new" / f, "rb").read() for f in os.listdir(out / "new"))
            assert stored == sorted(o.encode() for o in originals)
            assert len(mailbox.Maildir(str(root / "bob"), create=False)) == 0  # deleted at QUIT
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    finally:
        shutil.rmtree(base, ignore_errors=True)
