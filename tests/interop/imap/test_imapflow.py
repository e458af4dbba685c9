"""imapflow, the Node.js IMAP client (vendored from npm by tools/setup.sh), against `layer7 imap serve`:
connect, log in, LIST with special-use, fetch envelopes (imapflow enables CONDSTORE and reads
HIGHESTMODSEQ and each message's MODSEQ), set flags, MOVE (UIDPLUS), then IDLE seeing
an EXISTS for a message our SMTP server delivers and another a second session APPENDs.
The steps run in imapflow_client.mjs, which reports each as a JSON line; every read has a deadline.
"""
import json
import os
import select
import smtplib
import subprocess
import time

from conftest import NODE, free_port, npm_package
from imapkit import DOMAIN, HOST, add_user, login, message, put_messages, start_imap

VENDOR, pytestmark = npm_package("imapflow", 18, "imapflow 1.0 needs it")
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "imapflow_client.mjs")
QRESYNC_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "imapflow_qresync.mjs")


class Steps:
    """The script's JSON lines, read with deadlines."""

    def __init__(self, proc):
        self.proc = proc
        self.seen = []
        self.buffer = b""

    def next(self, step, deadline=30.0):
        end = time.monotonic() + deadline
        while True:
            while b"\n" in self.buffer:
                line, self.buffer = self.buffer.split(b"\n", 1)
                event = json.loads(line)
                self.seen.append(event)
                if event["step"] == step:
                    return event
            remaining = end - time.monotonic()
            ready = select.select([self.proc.stdout], [], [], max(0.0, remaining))[0] if remaining > 0 else []
            chunk = os.read(self.proc.stdout.fileno(), 65536) if ready else b""
            if not chunk:
                self.proc.kill()
                err = self.proc.stderr.read().decode(errors="replace")
                raise AssertionError(f"no {step!r} from imapflow (rc={self.proc.wait()}); saw {self.seen}\n{err}")
            self.buffer += chunk


def test_imapflow(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    put_messages(data, [message(1), message(2), message(3)])
    port, _ = start_imap(layer7, data)
    smtp_port = free_port()
    layer7("--data", str(data), "smtp", "serve", "--domain", DOMAIN, "--listen", f"{HOST}:{smtp_port}",
           "--submission", f"{HOST}:{free_port()}")
    proc = subprocess.Popen([NODE, SCRIPT, VENDOR, HOST, str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        steps = Steps(proc)
        boxes = {path: use for path, use, _ in steps.next("list")["boxes"]}
        assert boxes["INBOX"] in (None, "\\Inbox") and boxes["Sent"] == "\\Sent" and boxes["Trash"] == "\\Trash", boxes
        fetched = steps.next("fetch")
        envelopes = fetched["envelopes"]
        assert [e["subject"] for e in envelopes] == ["message 1", "message 2", "message 3"], envelopes
        # CONDSTORE: enabled by imapflow itself, HIGHESTMODSEQ seen at SELECT, a MODSEQ per message.
        assert "CONDSTORE" in fetched["enabled"], fetched
        assert 1 <= max(int(e["modseq"]) for e in envelopes) <= int(fetched["highestModseq"]), fetched
        assert all(e["from"] == "alice@crepes.fr" for e in envelopes)
        assert steps.next("flag")["flags"] == ["\\Flagged", "\\Seen"]  # (layer7 keeps no \\Recent)
        moved = steps.next("move")
        assert moved["destination"] == "Trash" and moved["uidMap"] == [[envelopes[1]["uid"], 1]], moved
        assert steps.next("idling")["count"] == 2
        # Mail arrives while imapflow IDLEs: by SMTP, then by another session's APPEND.
        with smtplib.SMTP(HOST, smtp_port, timeout=10) as s:
            s.sendmail("alice@crepes.fr", [f"bob@{DOMAIN}"], "Subject: pushed\r\n\r\nhello\r\n")
        assert steps.next("exists")["count"] == 3
        other = login(port)
        assert other.append("INBOX", None, None, b"Subject: appended\r\n\r\nhi\r\n")[0] == "OK"
        other.logout()
        assert steps.next("exists")["count"] == 4
        steps.next("done")
        assert proc.wait(timeout=15) == 0, proc.stderr.read().decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    m = login(port)
    assert m.select("Trash")[1] == [b"1"]
    typ, d = m.fetch("1", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    assert b"message 2" in d[0][1]
    m.select("INBOX")
    typ, d = m.fetch("1", "(FLAGS)")
    assert b"\\Flagged" in d[0] and b"\\Seen" in d[0]
    m.logout()


def test_imapflow_qresync(tmp_path, layer7):
    """imapflow with qresync: true comes back to INBOX with its UIDVALIDITY and HIGHESTMODSEQ and
    learns from the SELECT alone what another session expunged (VANISHED (EARLIER)) and flagged."""
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    put_messages(data, [message(1), message(2), message(3)])
    port, _ = start_imap(layer7, data)
    proc = subprocess.Popen([NODE, QRESYNC_SCRIPT, VENDOR, HOST, str(port)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        steps = Steps(proc)
        first = steps.next("first")
        assert "QRESYNC" in first["enabled"] and int(first["highestModseq"]) >= 1, first
        other = login(port)
        other.select("INBOX")
        other.uid("STORE", "2", "+FLAGS.SILENT", "(\\Deleted)")
        other.uid("STORE", "3", "+FLAGS.SILENT", "(\\Flagged)")
        other.expunge()
        other.logout()
        proc.stdin.write(b"go\n")
        proc.stdin.close()
        resync = steps.next("resync")
        assert resync["qresync"], resync
        assert {"expunge": 2, "vanished": True, "earlier": True} in resync["events"], resync
        flagged = [e for e in resync["events"] if e.get("flags") == 3]
        assert flagged and flagged[0]["list"] == ["\\Flagged"], resync
        assert int(flagged[0]["modseq"]) > int(first["highestModseq"]), resync
        assert not [e for e in resync["events"] if e.get("expunge") in (1, 3) or e.get("flags") == 1], resync
        steps.next("done")
        assert proc.wait(timeout=15) == 0, proc.stderr.read().decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
