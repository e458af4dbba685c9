"""`layer7 get -o` streams the body to disk: a 1 GiB file from `layer7 http serve`, byte-exact, with
the client's peak RSS (GNU time's %M, the kernel's ru_maxrss) growing by less than 64 MiB; gzip
decoded while it streams; -L before a streamed body; a failed download leaves no FILE nor FILE.part."""
import hashlib
import os
import socket
import subprocess
import threading

import pytest

from conftest import layer7_bin
from httpkit import CSS, HTML, serve, server, site  # noqa: F401

GIB = 1 << 30
MIB = 1 << 20
PEAK_RSS_LIMIT = 64 * MIB


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(4 * MIB):
            h.update(chunk)
    return h.hexdigest()


def layer7_get(*args, timeout=120):
    return subprocess.run([layer7_bin(), "get", *args], capture_output=True, timeout=timeout)


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    """A sparse 1 GiB file (quick to make) stamped every 64 MiB, so a misplaced byte range shows."""
    root = tmp_path_factory.mktemp("big-root")
    path = root / "big.bin"
    with open(path, "wb") as f:
        f.truncate(GIB)
        for i in range(GIB // (64 * MIB)):
            f.seek(i * 64 * MIB + 12345)
            f.write(f"block {i:04d}".encode())
    (root / "small.txt").write_bytes(b"ten bytes\n")
    s = serve(str(root))
    s.big, s.big_sha = path, sha256(path)
    yield s
    s.assert_alive()
    s.stop()


def peak_rss(tmp_path, url, out):
    """Runs `layer7 get -o OUT URL` under GNU time; returns its peak RSS in bytes (ru_maxrss). Not via
    Python's own wait: a child spawned by vfork carries the parent's high-water mark across exec."""
    rss = tmp_path / "rss.txt"
    # A sanitizer build keeps freed blocks in quarantine (up to 256 MiB) to catch use after free:
    # that is ASan's memory, not the client's, so it is kept small here; no effect on a plain build.
    env = {**os.environ, "ASAN_OPTIONS": os.environ.get("ASAN_OPTIONS", "") + ":quarantine_size_mb=16"}
    r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", str(rss), layer7_bin(), "get", "-o", str(out), url],
                       capture_output=True, timeout=300, env=env)
    assert r.returncode == 0, r.stderr
    return int(rss.read_text().split()[-1]) * 1024


def test_one_gib_to_disk_with_bounded_memory(big_server, tmp_path):
    """The growth over a 10-byte download stays under 64 MiB (a held body would add 1 GiB). A plain
    build's whole peak is under that too; a sanitizer build starts at ~250 MiB of instrumented image,
    so the growth is what is compared."""
    baseline = peak_rss(tmp_path, big_server.url("/small.txt"), tmp_path / "small.txt")
    out = tmp_path / "big.bin"
    peak = peak_rss(tmp_path, big_server.url("/big.bin"), out)
    print(f"layer7 get -o: peak RSS {peak / MIB:.1f} MiB for 1 GiB, {baseline / MIB:.1f} MiB for 10 bytes")
    assert peak - baseline < PEAK_RSS_LIMIT, f"{peak / MIB:.1f} MiB for 1 GiB vs {baseline / MIB:.1f} MiB"
    if baseline < PEAK_RSS_LIMIT // 2:  # a plain build: the bound holds for the whole process
        assert peak < PEAK_RSS_LIMIT, f"{peak / MIB:.1f} MiB for 1 GiB"
    assert os.path.getsize(out) == GIB
    assert sha256(out) == big_server.big_sha
    assert not os.path.exists(str(out) + ".part")


@pytest.mark.parametrize("name,text", [("page.html", HTML), ("style.css", CSS)])
def test_gzip_is_decoded_while_streaming(server, tmp_path, name, text):
    out = tmp_path / name
    r = layer7_get("-v", "-o", str(out), server.url("/" + name))
    assert r.returncode == 0, r.stderr
    assert b"< Content-Encoding: gzip" in r.stderr  # it did come compressed
    assert out.read_bytes() == text.encode()


def test_redirect_then_streamed_body(server, tmp_path):
    out = tmp_path / "index.html"
    r = layer7_get("-L", "-v", "-o", str(out), server.url("/dir"))
    assert r.returncode == 0, r.stderr
    assert b"< HTTP/1.1 301" in r.stderr, r.stderr
    assert out.read_bytes() == b"<html><body>the dir index</body></html>\n"


def test_failed_download_leaves_no_file(tmp_path):
    """A server that promises more than it sends: exit 56, and neither FILE nor FILE.part."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]

    def answer():
        conn, _ = listener.accept()
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                data += conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 5000)

    t = threading.Thread(target=answer, daemon=True)
    t.start()
    out = tmp_path / "short.bin"
    r = layer7_get("-o", str(out), f"http://127.0.0.1:{port}/short.bin", timeout=30)
    t.join(10)
    listener.close()
    assert r.returncode == 56, r.stderr
    assert not out.exists() and not os.path.exists(str(out) + ".part")
