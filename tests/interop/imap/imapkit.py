"""Shared pieces of the IMAP interop tests: a users file, `layer7 imap serve` on a free port, mail
placed in a Maildir as another delivery agent would, and a logged-in imaplib client.

Every wait has a deadline; nothing sleeps to synchronise. Loopback only.
"""
import imaplib
import mailbox
import sys
import os
import select
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail"))
from smtpkit import add_user  # noqa: E402  (the same users file SMTP and POP3 use)

from conftest import free_port  # noqa: E402

DOMAIN = "hamburger.edu"
HOST = "127.0.0.1"


def maildir_of(data, user="bob", domain=DOMAIN):
    return data / "mail" / domain / user


def put_messages(data, messages, user="bob", domain=DOMAIN):
    maildir_of(data, user, domain).parent.mkdir(parents=True, exist_ok=True)
    box = mailbox.Maildir(str(maildir_of(data, user, domain)), create=True)
    return [box.add(m.encode() if isinstance(m, str) else m) for m in messages]


def message(n, body="hello", extra=""):
    return f"From: Alice <alice@crepes.fr>\nTo: bob@{DOMAIN}\nSubject: message {n}\nDate: Tue, 1 Jul 2003 10:52:37 +0200\n{extra}\n{body}\n"


def start_imap(layer7, data, *extra):
    port = free_port()
    proc = layer7("--data", str(data), "imap", "serve", "--listen", f"{HOST}:{port}", "--domain", DOMAIN,
                  "--auth-failure-delay", "50", *extra)
    return port, proc


def login(port, user="bob", password="hungry"):
    client = imaplib.IMAP4(HOST, port, timeout=15)
    client.login(user, password)
    return client


def read_until(sock_file, needle, deadline=15.0):
    """Reads server lines until one contains `needle` (bytes), within a deadline."""
    end = time.monotonic() + deadline
    seen = []
    while time.monotonic() < end:
        ready, _, _ = select.select([sock_file], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            break
        line = sock_file.readline()
        if not line:
            break
        seen.append(line)
        if needle in line:
            return seen
    raise TimeoutError(f"{needle!r} not seen; got {seen}")
