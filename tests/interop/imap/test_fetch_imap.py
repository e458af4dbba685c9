"""`layer7 mail fetch --imap` against our IMAP server and against Dovecot (an unprivileged instance
with its own config on a random loopback port): folders, list, read, flag, move, download with and
without --keep; and `--pop3 --list/--read`, which print with the same display code.
"""
import mailbox
import os
import pathlib
import shutil
import sys
import tempfile

import pytest

from conftest import free_port, layer7_bin, run
from imapkit import DOMAIN, HOST, add_user, maildir_of, message, put_messages, start_imap

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail"))
from test_fetch import start_dovecot  # noqa: E402  (the POP3 tests' Dovecot set-up)

MULTIPART = ("From: Alice <alice@crepes.fr>\nTo: bob@hamburger.edu\nSubject: =?utf-8?q?Cr=C3=AApes?= {5}\n"
             "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\n\n"
             "Recipe inside.\n\x1b[31mno escapes\n--b\nContent-Type: application/octet-stream\n"
             "Content-Disposition: attachment; filename=recipe.bin\nContent-Transfer-Encoding: base64\n\nAAECAwQ=\n--b--\n")


def fetch(kind, port, tmp, *extra, user="bob", password="hungry"):
    pw = tmp / "password"
    pw.write_text(password + "\n")
    return run([layer7_bin(), "mail", "fetch", f"--{kind}", f"{HOST}:{port}", "--user", user,
                "--password-file", str(pw), *extra])


def flags_of(box):
    return sorted(f.split(":2,")[1] if ":2," in f else "" for sub in ("cur", "new") for f in os.listdir(box / sub))


@pytest.fixture
def ours(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    put_messages(data, [message(1), message(2, body="the secret word is crepes"), MULTIPART])
    port, _ = start_imap(layer7, data)
    return port, maildir_of(data)


def test_folders_list_and_read(ours, tmp_path):
    port, box = ours
    r = fetch("imap", port, tmp_path, "--folders")
    assert r.returncode == 0, r.stderr
    assert "INBOX  3 messages, 3 unseen" in r.stdout and "Trash  0 messages, 0 unseen \\Trash" in r.stdout
    r = fetch("imap", port, tmp_path, "--list")
    assert r.returncode == 0, r.stderr
    assert "message 1" in r.stdout and "Crêpes {5}" in r.stdout and "3 messages in INBOX" in r.stdout
    r = fetch("imap", port, tmp_path, "--read", "3")
    assert r.returncode == 0, r.stderr
    assert "Subject: Crêpes {5}" in r.stdout and "Recipe inside." in r.stdout
    assert "[attachment: recipe.bin (application/octet-stream, 5 B)]" in r.stdout
    assert "\x1b" not in r.stdout  # nothing from a stranger drives the terminal
    assert flags_of(box).count("S") == 1  # reading marks it seen
    r = fetch("imap", port, tmp_path, "--read", "99")
    assert r.returncode == 1 and "no message with UID 99" in r.stderr


def test_flag_move_and_download(ours, tmp_path):
    port, box = ours
    assert fetch("imap", port, tmp_path, "--flag", "1").returncode == 0
    assert "F" in flags_of(box)
    r = fetch("imap", port, tmp_path, "--unflag", "1")
    assert r.returncode == 0 and "UID 1 flags: N" in r.stdout
    r = fetch("imap", port, tmp_path, "--move", "2", "--to", "Junk")
    assert r.returncode == 0 and "moved UID 2 from INBOX to Junk" in r.stdout, r.stderr
    assert len(mailbox.Maildir(str(box / ".Junk"), factory=None)) == 1
    r = fetch("imap", port, tmp_path, "--list", "--folder", "Junk")
    assert "secret" not in r.stdout and "message 2" in r.stdout
    out = tmp_path / "Local"
    r = fetch("imap", port, tmp_path, "--keep", "-o", str(out))
    assert r.returncode == 0 and "fetched 2 messages" in r.stdout, r.stderr
    assert len(mailbox.Maildir(str(box), factory=None)) == 2
    r = fetch("imap", port, tmp_path, "-o", str(tmp_path / "Moved"))
    assert r.returncode == 0 and "2 deleted on the server" in r.stdout
    assert len(mailbox.Maildir(str(box), factory=None)) == 0
    local = sorted(m.get("Subject") for m in mailbox.Maildir(str(tmp_path / "Moved"), factory=None))
    assert local == ["=?utf-8?q?Cr=C3=AApes?= {5}", "message 1"]


def test_wrong_password_and_bad_usage(ours, tmp_path):
    port, _ = ours
    r = fetch("imap", port, tmp_path, "--list", password="nope")
    assert r.returncode == 1 and "LOGIN: NO" in r.stderr
    r = fetch("imap", port, tmp_path, "--move", "1")
    assert r.returncode == 2
    r = fetch("pop3", port, tmp_path, "--folders")
    assert r.returncode == 2


def test_pop3_list_and_read_use_the_same_display(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    put_messages(data, [message(1), MULTIPART])
    port = free_port()
    layer7("--data", str(data), "pop3", "serve", "--listen", f"{HOST}:{port}", "--domain", DOMAIN)
    r = fetch("pop3", port, tmp_path, "--list")
    assert r.returncode == 0, r.stderr
    assert "message 1" in r.stdout and "Crêpes {5}" in r.stdout and "2 messages" in r.stdout
    r = fetch("pop3", port, tmp_path, "--read", "2")
    assert r.returncode == 0 and "[attachment: recipe.bin (application/octet-stream, 5 B)]" in r.stdout
    assert len(mailbox.Maildir(str(maildir_of(data)), factory=None)) == 2  # nothing deleted


# Dovecot's IMAP with a Junk folder (the POP3 tests' starter with an inbox namespace).
JUNK = """namespace inbox {
  inbox = yes
  separator = /
  mailbox Junk {
    auto = create
    special_use = \\Junk
  }
}
"""


@pytest.fixture
def dovecot(tmp_path):
    # Dovecot's unprivileged processes must reach its files: a world-traversable directory.
    base = pathlib.Path(tempfile.mkdtemp(prefix="layer7-dovecot-imap-"))
    base.chmod(0o755)
    root = base / "mail"
    root.mkdir()
    box = mailbox.Maildir(str(root / "bob"), create=True)
    for m in (message(1), message(2, body="the secret word is crepes"), MULTIPART):
        box.add(m.encode())
    proc, port = (None, None) if not os.path.exists("/usr/lib/dovecot/imap") else start_dovecot(base, root, "imap", JUNK)
    if not proc:
        log = base / "log"
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip("dovecot imap did not start: " + (log.read_text()[-500:] if log.exists() else "not installed"))
    yield port, root / "bob", base
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(base, ignore_errors=True)


def test_against_dovecot(dovecot, tmp_path):
    port, box, base = dovecot
    r = fetch("imap", port, tmp_path, "--folders")
    assert r.returncode == 0, r.stderr + (base / "log").read_text()
    assert "INBOX  3 messages, 3 unseen" in r.stdout and "Junk" in r.stdout
    r = fetch("imap", port, tmp_path, "--list")
    assert r.returncode == 0 and "Crêpes {5}" in r.stdout and "3 messages in INBOX" in r.stdout, r.stderr
    uid = next(line.split()[0] for line in r.stdout.splitlines() if "Crêpes" in line)
    r = fetch("imap", port, tmp_path, "--read", uid)
    assert r.returncode == 0 and "Recipe inside." in r.stdout and "recipe.bin" in r.stdout, r.stderr
    r = fetch("imap", port, tmp_path, "--flag", uid)
    assert r.returncode == 0 and "UID " + uid + " flags: FS" in r.stdout, r.stdout + r.stderr
    r = fetch("imap", port, tmp_path, "--move", uid, "--to", "Junk")
    assert r.returncode == 0, r.stderr
    r = fetch("imap", port, tmp_path, "--list", "--folder", "Junk")
    assert "Crêpes" in r.stdout and "1 message in Junk" in r.stdout
    out = tmp_path / "Local"
    r = fetch("imap", port, tmp_path, "-o", str(out))
    assert r.returncode == 0 and "fetched 2 messages" in r.stdout and "2 deleted" in r.stdout, r.stderr
    assert len(mailbox.Maildir(str(out), factory=None)) == 2
    r = fetch("imap", port, tmp_path, "--list")
    assert "0 messages in INBOX" in r.stdout
