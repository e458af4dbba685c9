"""The proxy streams bodies both ways: curl downloads 2 GiB from nginx through it and uploads 1 GiB
through it to an origin that counts the bytes, while the proxy's peak RSS grows by less than 64 MiB
(it used to hold whole bodies: a 30 MiB PUT raised it by 41 MiB, a response over 32 MiB got 502).
"""
import os
import socket
import threading

import pytest

from proxykit import HOST, Nginx, Proxy, curl

LIMIT_KIB = 64 * 1024


def rss_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} for {pid}")


class CountingOrigin:
    """Answers each request with the number of body bytes it read (Content-Length framing)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind((HOST, 0))
        self.sock.listen(8)
        self.url = f"http://{HOST}:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn):
        with conn:
            conn.settimeout(60)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            got = len(rest)
            while got < length:
                chunk = conn.recv(1 << 20)
                if not chunk:
                    return
                got += len(chunk)
            body = f"got {got}\n".encode()
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)

    def stop(self):
        self.sock.close()


@pytest.fixture
def proxy(tmp_path):
    # Under ASan, freed blocks wait in a quarantine (256 MiB by default) before reuse: every chunk's
    # coroutine frames would count as memory the proxy holds. A small quarantine measures the proxy.
    asan = os.environ.get("ASAN_OPTIONS", "")
    p = Proxy(str(tmp_path), env={"ASAN_OPTIONS": (asan + ":" if asan else "") + "quarantine_size_mb=4"})
    yield p
    p.stop()


def test_two_gib_download_in_bounded_memory(tmp_path, proxy):
    root = tmp_path / "root"
    root.mkdir()
    big = root / "big.bin"
    with open(big, "wb") as f:
        f.truncate(2 << 30)  # sparse: nginx serves zeros without reading a disk
    nginx = Nginx(str(tmp_path), str(root))
    try:
        pid = proxy.proc.proc.pid
        before = rss_kib(pid, "VmRSS")
        r = curl("-x", proxy.url, "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                 f"{nginx.url}/big.bin", timeout=300)
        assert r.returncode == 0, r.stderr
        assert r.stdout == f"200 {2 << 30}"
        grown = rss_kib(pid, "VmHWM") - before
        assert grown < LIMIT_KIB, f"the proxy's peak RSS grew by {grown} KiB"
    finally:
        nginx.stop()


def test_one_gib_upload_in_bounded_memory(tmp_path, proxy):
    upload = tmp_path / "up.bin"
    with open(upload, "wb") as f:
        f.truncate(1 << 30)
    origin = CountingOrigin()
    try:
        pid = proxy.proc.proc.pid
        before = rss_kib(pid, "VmRSS")
        r = curl("-x", proxy.url, "-T", str(upload), f"{origin.url}/up", timeout=300)
        assert r.returncode == 0, r.stderr
        assert r.stdout == f"got {1 << 30}\n"
        grown = rss_kib(pid, "VmHWM") - before
        assert grown < LIMIT_KIB, f"the proxy's peak RSS grew by {grown} KiB"
    finally:
        origin.stop()
