"""Shared pieces of the HTTP interop tests: a test site, starting `layer7 http serve` / `layer7 up`,
raw-socket requests and a small HTTP/1.1 response reader (so bad input can be sent byte for byte).

Every wait has a deadline; nothing sleeps to synchronise. Loopback only.
"""
import os
import re
import socket
import subprocess
import time

import pytest

from conftest import Process, free_port, layer7_bin

HOST = "127.0.0.1"
DEADLINE = 10.0


def curl(*args, timeout=30, text=True):
    """Runs curl quietly (errors shown); returns CompletedProcess. `-v` goes to stderr."""
    return subprocess.run(["curl", "-sS", "--max-time", str(timeout - 5), *args], capture_output=True,
                          text=text, timeout=timeout)


# ---------------------------------------------------------------- the test site

PNG = (b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\x0dIHDR" + b"\x00" * 4096)  # compressible bytes, PNG type
CSS = "".join(f".c{i} {{ color: #{i:06x}; margin: {i}px; }}\n" for i in range(200))
HTML = "<!DOCTYPE html>\n<html><head><title>page</title></head><body>\n" + \
    "".join(f"<p>paragraph {i} of the page</p>\n" for i in range(300)) + "</body></html>\n"


def make_site(base):
    """Writes the standard test tree under base/root (and a secret outside it); returns the root."""
    root = os.path.join(base, "root")
    os.makedirs(os.path.join(root, "dir"), exist_ok=True)
    os.makedirs(os.path.join(root, "list", "sub"), exist_ok=True)
    os.makedirs(os.path.join(root, "up"), exist_ok=True)
    os.makedirs(os.path.join(base, "outside"), exist_ok=True)
    files = {
        "hello.txt": b"hello, world\n",
        "page.html": HTML.encode(),
        "style.css": CSS.encode(),
        "pic.png": PNG,
        "small.bin": bytes(range(256)) * 4,                       # 1024 bytes
        "big.bin": os.urandom(300 * 1024),                          # sendfile path
        "dir/index.html": b"<html><body>the dir index</body></html>\n",
        "list/a.txt": b"a\n",
        "list/b file.txt": b"b\n",
    }
    for name, data in files.items():
        with open(os.path.join(root, name), "wb") as f:
            f.write(data)
    secret = os.path.join(base, "outside", "secret.txt")
    with open(secret, "wb") as f:
        f.write(b"TOP-SECRET-CONTENT\n")
    os.symlink(secret, os.path.join(root, "escape.txt"))
    os.symlink(os.path.join(base, "outside"), os.path.join(root, "escape-dir"))
    return root


def read_file(root, name):
    with open(os.path.join(root, name), "rb") as f:
        return f.read()


# ---------------------------------------------------------------- starting layer7

class Server:
    """A running layer7 HTTP server: its process, ports and root."""

    def __init__(self, proc, port, root=None, tls_port=None, data=None):
        self.proc, self.port, self.root, self.tls_port, self.data = proc, port, root, tls_port, data

    def url(self, path="/"):
        return f"http://{HOST}:{self.port}{path}"

    def tls_url(self, path="/"):
        return f"https://{HOST}:{self.tls_port}{path}"

    def assert_alive(self):
        """The server still answers a normal GET (it must never crash on bad input)."""
        assert self.proc.proc.poll() is None, f"layer7 died:\n{self.proc.output()}"
        r = exchange(self.port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert r and r[0].status in (200, 403), r

    def stop(self):
        """SIGTERM; layer7 must exit 0 (under ASan: no leak, no error report)."""
        rc, _ = self.proc.stop()
        assert rc == 0, f"layer7 exited {rc}:\n{self.proc.output()[-6000:]}"


def serve(root, *flags, global_flags=(), port=None):
    """Starts `layer7 [global] http serve --root ROOT --listen 127.0.0.1:P [flags]`."""
    port = port or free_port()
    p = Process([layer7_bin(), "--threads", "2", *global_flags, "http", "serve", "--root", root,
                 "--listen", f"{HOST}:{port}", *flags], deadline=30)
    return Server(p, port, root)


def up(base, http="", extra="", global_flags=(), tls=False, root=None):
    """Starts `layer7 up --config` with only [http] enabled; `http` adds keys to [http], `extra` whole
    sections ([http.limits], [[http.cache]], [[http.vhost]]). Returns the Server (data dir under base)."""
    port = free_port()
    tls_port = free_port() if tls else None
    data = os.path.join(base, "data")
    lines = ["[runtime]", "threads = 2", f'data = "{data}"', 'log_level = "info"', "", "[echo]",
             "enabled = false", "", "[http]", f'listen = "{HOST}:{port}"']
    if tls:
        lines.append(f'tls_listen = "{HOST}:{tls_port}"')
    if root:
        lines.append(f'root = "{root}"')
    config = "\n".join(lines) + "\n" + http + "\n" + extra + "\n"
    path = os.path.join(base, f"layer7-{port}.toml")
    with open(path, "w") as f:
        f.write(config)
    p = Process([layer7_bin(), *global_flags, "up", "--config", path], deadline=30)
    return Server(p, port, root or os.path.join(data, "www"), tls_port, data)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The standard test tree (module-wide; tests that write use their own)."""
    return make_site(str(tmp_path_factory.mktemp("site")))


@pytest.fixture(scope="module")
def server(site):
    """`layer7 http serve` on the standard site, shared by a module; checked alive and stopped cleanly."""
    s = serve(site)
    yield s
    s.assert_alive()
    s.stop()


# ---------------------------------------------------------------- raw HTTP/1.1

class Response:
    def __init__(self, version, status, reason, headers, body):
        self.version, self.status, self.reason, self.headers, self.body = version, status, reason, headers, body

    def header(self, name, default=None):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return default

    def all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def __repr__(self):
        return f"<{self.version} {self.status} {self.reason} {self.headers} body={self.body[:80]!r}>"


class Reader:
    """Reads responses from a socket with a deadline; `methods` tells which requests were HEAD."""

    def __init__(self, sock, deadline=DEADLINE):
        self.sock, self.buf, self.eof = sock, b"", False
        self.end = time.monotonic() + deadline

    def _more(self):
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"no complete response within the deadline; have {self.buf[:300]!r}")
        self.sock.settimeout(left)
        try:
            chunk = self.sock.recv(65536)
        except ConnectionResetError:
            chunk = b""
        if not chunk:
            self.eof = True
        self.buf += chunk
        return bool(chunk)

    def _need(self, pred):
        while not pred():
            if not self._more():
                return False
        return True

    def closed(self):
        """True when the peer closes (EOF or reset) before the deadline, with no further bytes."""
        while not self.eof:
            self._more()
        return self.buf == b""

    def read(self, head=False):
        """One response (interim 1xx included); None on a clean EOF before any byte."""
        if not self._need(lambda: b"\r\n\r\n" in self.buf):
            if self.buf:
                raise AssertionError(f"truncated head: {self.buf[:300]!r}")
            return None
        head_bytes, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head_bytes.decode("latin-1").split("\r\n")
        m = re.match(r"(HTTP/\d\.\d) (\d{3}) ?(.*)$", lines[0])
        assert m, f"bad status line {lines[0]!r}"
        headers = []
        for line in lines[1:]:
            k, _, v = line.partition(":")
            headers.append((k, v.strip()))
        r = Response(m.group(1), int(m.group(2)), m.group(3), headers, b"")
        if r.status < 200 or head or r.status in (204, 304):
            return r
        if (r.header("Transfer-Encoding") or "").lower().endswith("chunked"):
            r.body = self._chunked()
        elif r.header("Content-Length") is not None:
            n = int(r.header("Content-Length"))
            assert self._need(lambda: len(self.buf) >= n), f"body cut short: {len(self.buf)} of {n}"
            r.body, self.buf = self.buf[:n], self.buf[n:]
        else:
            while self._more():
                pass
            r.body, self.buf = self.buf, b""
        return r

    def _chunked(self):
        body = b""
        while True:
            assert self._need(lambda: b"\r\n" in self.buf), "chunk size line cut"
            line, self.buf = self.buf.split(b"\r\n", 1)
            size = int(line.split(b";")[0], 16)
            if size == 0:
                assert self._need(lambda: b"\r\n" in self.buf)
                while not self.buf.startswith(b"\r\n"):  # trailers
                    _, self.buf = self.buf.split(b"\r\n", 1)
                    assert self._need(lambda: b"\r\n" in self.buf)
                self.buf = self.buf[2:]
                return body
            assert self._need(lambda: len(self.buf) >= size + 2)
            body += self.buf[:size]
            self.buf = self.buf[size + 2:]

    def final(self, head=False):
        """The next final (non-1xx) response."""
        while True:
            r = self.read(head)
            if r is None or r.status >= 200:
                return r


def connect(port, deadline=DEADLINE):
    s = socket.create_connection((HOST, port), timeout=deadline)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def exchange(port, data, count=1, heads=(), deadline=DEADLINE):
    """Sends `data` in one write and reads up to `count` final responses (fewer if the server closes).
    `heads` holds the indexes of HEAD requests."""
    with connect(port, deadline) as s:
        s.sendall(data)
        reader = Reader(s, deadline)
        out = []
        for i in range(count):
            r = reader.final(head=i in heads)
            if r is None:
                break
            out.append(r)
        return out


def get(port, path, headers=(), method="GET", version="1.1", body=b""):
    """One request on its own connection; returns the Response."""
    own_host = any(h.lower().startswith("host:") for h in headers)
    lines = [f"{method} {path} HTTP/{version}", *([] if own_host else [f"Host: {HOST}:{port}"]), "Connection: close",
             *headers]
    if body:
        lines.append(f"Content-Length: {len(body)}")
    data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
    r = exchange(port, data, heads=(0,) if method == "HEAD" else ())
    assert r, "no response"
    return r[0]


def run_wget(*args, timeout=60):
    """Runs wget with no user config, retries or proxy; its log goes to stderr."""
    return subprocess.run(["wget", "--no-config", "--tries=1", "--timeout=10", "--no-proxy", *args],
                          capture_output=True, text=True, timeout=timeout)
