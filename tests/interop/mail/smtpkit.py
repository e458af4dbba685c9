"""Shared pieces of the SMTP interop tests: users files, starting `layer7 smtp serve`, waiting for
mail to land in a Maildir, and a raw SMTP line client for byte-exact bad input.

Every wait has a deadline; nothing sleeps to synchronise. Loopback only.
"""
import functools
import os
import shutil
import socket
import subprocess
import tempfile
import time

from conftest import free_port, layer7_bin, run

HOST = "127.0.0.1"
DEADLINE = 15.0


@functools.lru_cache(maxsize=None)
def user_line(name, password):
    """The `name:hash` line `layer7 user add` writes, made once per name and password in a run: every
    test needs a users file, and each `layer7` start costs about a second (the users CLI itself is
    tested in users/ and mail/test_users_file.py)."""
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "users")
        r = run([layer7_bin(), "user", "add", name, "--users", path], input=password + "\n")
        assert r.returncode == 0, r.stderr
        with open(path) as f:
            return f.read().strip()


def add_user(users, name, password, domain=None):
    """Appends a `layer7 user add` line to the users file, with the domain= attribute
    (mail/store/accounts.hpp) when asked."""
    text = users.read_text() if users.exists() else ""
    assert not any(l.startswith(name + ":") for l in text.splitlines()), f"{name} is already in {users}"
    users.write_text(text + user_line(name, password) + (":domain=" + domain if domain else "") + "\n")
    users.chmod(0o600)


class Mta:
    """One `layer7 smtp serve` with its data directory and ports."""

    def __init__(self, layer7, data, domains, *extra, relay_port=None, submission_port=None):
        self.data = data
        self.relay_port = relay_port or free_port()
        self.submission_port = submission_port or free_port()
        args = ["--data", str(data), "smtp", "serve", "--listen", f"{HOST}:{self.relay_port}",
                "--submission", f"{HOST}:{self.submission_port}", "--auth-failure-delay", "50"]
        for d in domains:
            args += ["--domain", d]
        self.proc = layer7(*args, *extra)

    def maildir(self, user, domain):
        return self.data / "mail" / domain / user

    def queue_ids(self):
        incoming = self.data / "queue" / "incoming"
        return sorted(p.name for p in incoming.iterdir() if not p.name.startswith(".")) if incoming.exists() else []


def maildir_files(box):
    """Files in new/ and cur/ of a Maildir, oldest first."""
    files = []
    for sub in ("new", "cur"):
        d = box / sub
        if d.exists():
            files += [d / n for n in os.listdir(d)]
    return sorted(files, key=lambda p: p.stat().st_mtime_ns)


def wait_mail(box, count=1, deadline=DEADLINE):
    """Waits until the Maildir holds at least `count` messages; returns their bytes."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        files = maildir_files(box)
        if len(files) >= count:
            return [f.read_bytes() for f in files]
        time.sleep(0.05)
    raise TimeoutError(f"{box}: fewer than {count} messages after {deadline}s")


def wait_until(predicate, deadline=DEADLINE, what="condition"):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} not met within {deadline}s")


class Raw:
    """A line-level SMTP client: sends bytes exactly, reads whole (multi-line) replies."""

    def __init__(self, port, timeout=10.0):
        self.sock = socket.create_connection((HOST, port), timeout=timeout)
        self.buf = b""

    def line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError(f"closed; pending {self.buf!r}")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line.decode()

    def reply(self):
        """(code, text of every line joined by '\\n')."""
        lines = [self.line()]
        while lines[-1][3:4] == "-":
            lines.append(self.line())
        return int(lines[0][:3]), "\n".join(l[4:] for l in lines)

    def send(self, data):
        self.sock.sendall(data if isinstance(data, bytes) else data.encode())

    def cmd(self, text):
        self.send(text + "\r\n")
        return self.reply()

    def closed(self, deadline=5.0):
        """True when the server closes the connection within the deadline."""
        self.sock.settimeout(deadline)
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    return True
        except (socket.timeout, ConnectionResetError):
            return False

    def close(self):
        self.sock.close()


def inotify_off():
    """The command prefix that runs a program in a user namespace whose inotify instance limit is 0
    (only the processes inside are refused, as when fs.inotify.max_user_instances runs out), or None
    when this kernel or sandbox has no such namespaces."""
    unshare = shutil.which("unshare")
    if not unshare:
        return None
    probe = subprocess.run([unshare, "-Ur", "sh", "-c", "echo 0 > /proc/sys/user/max_inotify_instances"],
                           capture_output=True, timeout=10)
    if probe.returncode != 0:
        return None
    return [unshare, "-Ur", "sh", "-c", 'echo 0 > /proc/sys/user/max_inotify_instances && exec "$@"', "sh"]
