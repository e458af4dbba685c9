"""Shared pieces of the proxy and client interop tests: an origin (`layer7 http serve` or nginx with
a temp config), the proxy, canned misbehaving origins (garbage, silence, slow), access-log readers.

Every wait has a deadline; nothing sleeps to synchronise. Loopback only.
"""
import os
import re
import shutil
import socket
import subprocess
import threading
import time

import pytest

from conftest import Process, free_port, layer7_bin, wait_tcp

HOST = "127.0.0.1"
DEADLINE = 15.0
OLD = time.time() - 10 * 86400  # mtime 10 days ago: heuristic freshness of a day (RFC 9111 §4.2.2)


def curl(*args, timeout=30, text=True):
    """curl quietly (errors shown); `-D -` style checks use the returned stdout/stderr."""
    return subprocess.run(["curl", "-sS", "--max-time", str(timeout - 5), *args], capture_output=True,
                          text=text, timeout=timeout)


def get(*args, timeout=30):
    """Runs `layer7 get`."""
    return subprocess.run([layer7_bin(), "get", *args], capture_output=True, text=True, timeout=timeout)


def headers_of(curl_stdout):
    """The last header block of `curl -s -D - -o /dev/null` output, as a dict (lower-case names)."""
    blocks = [b for b in curl_stdout.replace("\r\n", "\n").split("\n\n") if b.strip()]
    lines = blocks[-1].split("\n")
    out = {"status": int(lines[0].split()[1])}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        out[name.strip().lower()] = value.strip()
    return out


def write_site(root, old=True):
    """The origin's files: fresh-by-heuristic ones (old mtime) and just-modified ones (stale at once)."""
    os.makedirs(os.path.join(root, "images"), exist_ok=True)
    files = {
        "old.txt": b"an old file, fresh for a day by the heuristic\n",
        "new.txt": b"a file modified just now: stale at once, revalidated each time\n",
        "restart.txt": b"this one must survive a proxy restart\n",
        "kib.bin": bytes(range(256)) * 4,
        "collapse.txt": b"x" * 2000,
        "index.html": ("<!DOCTYPE html><html><body><h1>base page</h1>\n" +
                       "".join(f'<img src="images/{i}.png">\n' for i in range(1, 11)) +
                       "</body></html>\n").encode(),
        "big.txt": ("".join(f"line {i} of a compressible text file\n" for i in range(5000))).encode(),
    }
    for i in range(1, 11):
        files[f"images/{i}.png"] = b"\x89PNG\r\n\x1a\n" + bytes([i]) * (2000 + i)
    for name, data in files.items():
        path = os.path.join(root, name)
        with open(path, "wb") as f:
            f.write(data)
        if old and name != "new.txt":
            os.utime(path, (OLD, OLD))
    return files


def modified_now(root, name="new.txt"):
    """Sets the file's mtime to now: its heuristic freshness (10 % of its age, in whole seconds) is
    then 0 for the next 9 s, however long ago the module's fixture wrote the site."""
    os.utime(os.path.join(root, name), None)


def read_log(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8", errors="replace") as f:
        return [l for l in f.read().splitlines() if l.strip()]


def log_entries(path, target):
    """(method, status) of access-log lines (combined format) whose request target is `target`."""
    out = []
    for line in read_log(path):
        m = re.search(r'"(\S+) (\S+) HTTP/[\d.]+" (\d{3}) ', line)
        if m and m.group(2) == target:
            out.append((m.group(1), int(m.group(3))))
    return out


def wait_log(path, target, count, deadline=DEADLINE):
    """Waits until `count` lines for `target` are in the access log; returns them all."""
    end = time.monotonic() + deadline
    while True:
        entries = log_entries(path, target)
        if len(entries) >= count or time.monotonic() > end:
            return entries
        time.sleep(0.02)


class Origin:
    """`layer7 http serve` on a fresh site, with its access log."""

    def __init__(self, tmp, tls=False):
        self.root = os.path.join(tmp, "origin-root")
        self.files = write_site(self.root)
        self.port = free_port()
        self.log = os.path.join(tmp, "origin-access.log")
        self.data = os.path.join(tmp, "origin-data")
        args = [layer7_bin(), "--data", self.data, "http", "serve", "--root", self.root,
                "--listen", f"{HOST}:{self.port}", "--access-log", self.log]
        if tls:
            self.tls_port = free_port()
            args += ["--tls-listen", f"{HOST}:{self.tls_port}"]
        self.proc = Process(args, deadline=DEADLINE)
        self.url = f"http://{HOST}:{self.port}"
        self.ca = os.path.join(self.data, "tls", "dev-cert.pem")

    def stop(self):
        rc, _ = self.proc.stop()
        assert rc == 0, self.proc.output()


class Proxy:
    """`layer7 proxy serve` with its own cache directory."""

    def __init__(self, tmp, *extra, cache_dir=None, port=None, env=None):
        self.port = port or free_port()
        self.cache_dir = cache_dir or os.path.join(tmp, "proxy-cache")
        self.args = [layer7_bin(), "--data", os.path.join(tmp, "proxy-data"), "proxy", "serve",
                     "--listen", f"{HOST}:{self.port}", "--cache-dir", self.cache_dir, *extra]
        self.proc = Process(self.args, deadline=DEADLINE, env=env)
        self.url = f"http://{HOST}:{self.port}"

    def stop(self):
        rc, _ = self.proc.stop()
        assert rc == 0, self.proc.output()


class Nginx:
    """nginx on loopback with a temp config; `locations` is extra config inside the server block."""

    def __init__(self, tmp, root, locations="", tls_cert=None, tls_key=None):
        if not shutil.which("nginx"):
            pytest.skip("nginx not installed (tools/setup.sh test)")
        self.root = root
        self.dir = os.path.join(tmp, "nginx")
        os.makedirs(self.dir, exist_ok=True)
        self.port = free_port()
        self.log = os.path.join(self.dir, "access.log")
        listen = f"listen {HOST}:{self.port}" + (" ssl" if tls_cert else "") + ";"
        ssl = f"ssl_certificate {tls_cert}; ssl_certificate_key {tls_key};" if tls_cert else ""
        conf = f"""
daemon off;
master_process off;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log;
events {{ worker_connections 256; }}
http {{
    access_log {self.log};
    client_body_temp_path {self.dir}/body;
    proxy_temp_path {self.dir}/proxy;
    fastcgi_temp_path {self.dir}/fastcgi;
    uwsgi_temp_path {self.dir}/uwsgi;
    scgi_temp_path {self.dir}/scgi;
    types {{ text/html html; text/plain txt; image/png png; }}
    server {{
        {listen}
        {ssl}
        root {root};
        {locations}
    }}
}}
"""
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.proc = subprocess.Popen(["nginx", "-c", self.conf, "-p", self.dir], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        wait_tcp(HOST, self.port, DEADLINE)
        self.url = f"{'https' if tls_cert else 'http'}://{HOST}:{self.port}"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=DEADLINE)


class CannedOrigin:
    """A TCP server answering each request with `reply(request_bytes)`; None = never answer.
    `delay` holds each answer back (a slow origin, so concurrent misses overlap)."""

    def __init__(self, reply, delay=0.0):
        self.reply = reply
        self.delay = delay
        self.requests = []
        self.sock = socket.socket()
        self.sock.bind((HOST, 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://{HOST}:{self.port}"
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        with conn:
            data = b""
            conn.settimeout(DEADLINE)
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
            except OSError:
                return
            self.requests.append(data)
            answer = self.reply(data)
            if answer is None:
                self.stopping.wait(DEADLINE)
                return
            if self.delay:
                self.stopping.wait(self.delay)
            try:
                conn.sendall(answer)
            except OSError:
                pass

    def close(self):
        self.stopping.set()
        self.sock.close()


def make_cert(directory, names=("127.0.0.1", "localhost")):
    """A self-signed certificate for nginx (openssl req -x509); returns (cert, key)."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    san = ",".join(("IP:" if n[0].isdigit() else "DNS:") + n for n in names)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={names[0]}",
                    "-addext", f"subjectAltName={san}"], check=True, capture_output=True, timeout=30)
    return cert, key
