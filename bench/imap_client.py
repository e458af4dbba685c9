#!/usr/bin/env python3
"""The IMAP load of bench/imap.sh, over raw sockets (no client library between the measurement and
the wire). Modes:
  session HOST PORT USER PASS            one session: LOGIN, SELECT, FETCH 1:* (FLAGS ENVELOPE),
                                         FETCH 1:* BODY[], SEARCH, STORE, EXPUNGE, LOGOUT; prints seconds
  warm HOST PORT USER PASS               EXAMINE + FETCH 1:* (FLAGS): builds both servers' indexes
  concurrent HOST PORT PREFIX PASS N     N clients at once, USER = PREFIX0…PREFIX{N-1}; prints sessions/s
  idle HOST PORT USER PASS N             N logged-in, SELECTed, idle connections; prints "ready",
                                         holds them until stdin closes
Every socket has a timeout; the whole run is bounded by the caller.
"""
import re
import socket
import sys
import threading
import time

LITERAL = re.compile(rb"\{(\d+)\}\r\n$")


class Client:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=60)
        self.buf = b""
        self.tag = 0
        self.read_response()  # greeting

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line + b"\r\n"

    def _exactly(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(max(1 << 20, n - len(self.buf)))
            if not chunk:
                raise ConnectionError("closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_response(self):
        parts = []
        while True:
            line = self._line()
            parts.append(line)
            m = LITERAL.search(line)
            if not m:
                return b"".join(parts)
            parts.append(self._exactly(int(m.group(1))))

    def command(self, text):
        self.tag += 1
        tag = b"t%d" % self.tag
        self.sock.sendall(tag + b" " + text.encode() + b"\r\n")
        count = 0
        while True:
            r = self.read_response()
            if r.startswith(tag + b" "):
                if not r.startswith(tag + b" OK"):
                    raise RuntimeError(f"{text}: {r[:200]!r}")
                return count
            count += 1


def session(host, port, user, password):
    start = time.perf_counter()
    c = Client(host, port)
    c.command(f'LOGIN "{user}" "{password}"')
    c.command("SELECT INBOX")
    n = c.command("FETCH 1:* (FLAGS ENVELOPE)")
    bodies = c.command("FETCH 1:* BODY[]")
    c.command('SEARCH SUBJECT "message 5"')
    c.command("SEARCH UNSEEN")
    c.command(f"STORE 1:{min(100, n)} +FLAGS (\\Flagged \\Deleted)")
    c.command("EXPUNGE")
    c.command("LOGOUT")
    c.sock.close()
    assert n >= 1 and bodies >= n, (n, bodies)
    return time.perf_counter() - start


def warm(host, port, user, password):
    c = Client(host, port)
    c.command(f'LOGIN "{user}" "{password}"')
    c.command("EXAMINE INBOX")
    c.command("FETCH 1:* (FLAGS)")
    c.command("LOGOUT")


def concurrent(host, port, prefix, password, n):
    errors = []

    def run(i):
        try:
            session(host, port, f"{prefix}{i}", password)
        except Exception as e:  # reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{len(errors)} sessions failed: {errors[0]}")
    return n / elapsed


def idle(host, port, user, password, n):
    clients = []
    for _ in range(n):
        c = Client(host, port)
        c.command(f'LOGIN "{user}" "{password}"')
        c.command("SELECT INBOX")
        clients.append(c)
    print("ready", flush=True)
    sys.stdin.read()


if __name__ == "__main__":
    mode, host, port, user, password = sys.argv[1:6]
    port = int(port)
    if mode == "session":
        print(f"{session(host, port, user, password):.4f}")
    elif mode == "warm":
        warm(host, port, user, password)
    elif mode == "concurrent":
        print(f"{concurrent(host, port, user, password, int(sys.argv[6])):.2f}")
    elif mode == "idle":
        idle(host, port, user, password, int(sys.argv[6]))
