"""Helpers for the BitTorrent interop tests: a tracker on free ports, aria2c runs, scrape decoding."""
import os
import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from conftest import free_port, layer7_bin, run

# Loopback only, and no way to find a peer but the tracker.
ARIA2_ISOLATED = ["--enable-dht=false", "--enable-dht6=false", "--bt-enable-lpd=false",
                  "--enable-peer-exchange=false", "--disable-ipv6=true", "--check-certificate=false",
                  "--file-allocation=none", "--console-log-level=warn", "--summary-interval=0",
                  "--bt-tracker-connect-timeout=5", "--bt-tracker-timeout=5", "--bt-stop-timeout=60"]


def need(program):
    if shutil.which(program) is None:
        pytest.skip(f"{program} not installed (tools/setup.sh test)")


def bdecode(data, i=0):
    """A small bencode reader for checking replies (independent of our C++ codec)."""
    c = data[i:i + 1]
    if c == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1:end]), end + 1
    if c in (b"l", b"d"):
        i += 1
        items = []
        while data[i:i + 1] != b"e":
            v, i = bdecode(data, i)
            items.append(v)
        if c == b"l":
            return items, i + 1
        return dict(zip(items[::2], items[1::2])), i + 1
    colon = data.index(b":", i)
    n = int(data[i:colon])
    return data[colon + 1:colon + 1 + n], colon + 1 + n


def http_get(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return r.read()


def make_torrent(tmp_path, path, tracker, *extra):
    out = tmp_path / (os.path.basename(str(path)) + ".torrent")
    r = run([layer7_bin(), "torrent", "make", str(path), "--tracker", tracker, "-o", str(out), *extra])
    assert r.returncode == 0, r.stderr
    info_hash = re.search(r"info-hash:\s+([0-9a-f]{40})", r.stdout).group(1)
    return out, info_hash


def start_tracker(layer7, interval=5):
    port = free_port()
    tracker = layer7("--threads", "1", "tracker", "serve", "--listen", f"127.0.0.1:{port}",
                     "--interval", str(interval))
    return tracker, port


def wait_until(predicate, deadline, what):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise TimeoutError(f"{what} not within {deadline}s")


def read_to_end(s):
    """What the peer sends until it closes (a reset counts as closing: it closed with our bytes unread)."""
    s.settimeout(10)
    got = b""
    try:
        while chunk := s.recv(65536):
            got += chunk
    except ConnectionResetError:
        pass
    return got


def scrape(port, info_hash_hex):
    raw = bytes.fromhex(info_hash_hex)
    body = http_get(f"http://127.0.0.1:{port}/scrape?info_hash=" + urllib.parse.quote_from_bytes(raw))
    files = bdecode(body)[0][b"files"]
    return files.get(raw, {b"complete": 0, b"incomplete": 0, b"downloaded": 0})


class LoggedProcess:
    """Another project's BitTorrent client with its output in a log file; stop() ends it (SIGTERM, then
    SIGKILL after 10 s) and closes the log."""

    def __init__(self, args, log):
        self.log = open(log, "w")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self, timeout):
        return self.proc.wait(timeout=timeout)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Aria2(LoggedProcess):
    """An aria2c process on its own BT port, killed at the end of the test."""

    def __init__(self, args, log):
        super().__init__(["aria2c", *ARIA2_ISOLATED, *args], log)


def aria2_download(tmp_path, torrents, *extra, timeout=60):
    """aria2c downloads `torrents` into tmp_path/leech, leaving after 0 s of seeding; returns the folder."""
    leech_dir = tmp_path / "leech"
    leech_dir.mkdir()
    leech = Aria2([f"--dir={leech_dir}", f"--listen-port={free_port()}", "--seed-time=0", *extra,
                   *[str(t) for t in torrents]], tmp_path / "leech.log")
    try:
        assert leech.wait(timeout=timeout) == 0, (tmp_path / "leech.log").read_text()[-3000:]
    finally:
        leech.stop()
    return leech_dir
