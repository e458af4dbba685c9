"""Shared pieces of the DASH interop tests: a presentation made once per session by `layer7 stream
make`, `layer7 http serve` on it, and running `layer7 stream play`.

Every wait has a deadline; nothing sleeps to synchronise. Loopback only.
"""
import os
import re
import shutil
import subprocess

import pytest

from conftest import Process, free_port, layer7_bin

HOST = "127.0.0.1"
FFMPEG = shutil.which("ffmpeg")
FFPROBE = shutil.which("ffprobe")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None or FFPROBE is None, reason="ffmpeg not installed (tools/setup.sh test)")

SEGMENT_RE = re.compile(r"^segment (\d+)  rep (\S+)  (\d+) kbit/s  ([\d.]+) s  throughput (\d+) kbit/s  "
                        r"buffer ([\d.]+) s(  STALL .*)?$")
SUMMARY_RE = re.compile(r"^summary: (\d+) segments, ([\d.]+) s of media, average bitrate (\d+) kbit/s, "
                        r"(\d+) switches, (\d+) stalls \(([\d.]+) s\), startup delay ([\d.]+) s$")


def bounded(args, timeout, env=None):
    """Runs to completion; past the deadline SIGTERM (which layer7 passes on to ffmpeg), then fails."""
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.terminate()
        out, err = p.communicate(timeout=30)
        raise AssertionError(f"{args} took over {timeout}s:\n{out}\n{err}")
    return subprocess.CompletedProcess(args, p.returncode, out, err)


def make(out, *args, timeout=600):
    return bounded([layer7_bin(), "stream", "make", "--out", str(out), *args], timeout)


class Server:
    def __init__(self, proc, port):
        self.proc, self.port = proc, port

    def url(self, path="/"):
        return f"http://{HOST}:{self.port}{path}"

    def stop(self):
        rc, _ = self.proc.stop()
        assert rc == 0, f"layer7 exited {rc}:\n{self.proc.output()[-6000:]}"


def serve(root, *flags):
    port = free_port()
    p = Process([layer7_bin(), "--threads", "2", "http", "serve", "--root", str(root), "--listen",
                 f"{HOST}:{port}", *flags], deadline=30)
    return Server(p, port)


def up(base, config):
    """`layer7 up` with only [http] (plus `config`'s lines inside [http] and after it)."""
    port = free_port()
    data = os.path.join(base, "data")
    text = (f'[runtime]\nthreads = 2\ndata = "{data}"\n\n[echo]\nenabled = false\n\n'
            f'[http]\nlisten = "{HOST}:{port}"\n{config}\n')
    path = os.path.join(base, "layer7.toml")
    with open(path, "w") as f:
        f.write(text)
    return Server(Process([layer7_bin(), "up", "--config", path], deadline=30), port)


def play(url, *args, timeout=180):
    return bounded([layer7_bin(), "stream", "play", url, *args], timeout)


def segments(stdout):
    """(number, representation id, kbit/s, stalled) per segment line."""
    out = []
    for line in stdout.splitlines():
        m = SEGMENT_RE.match(line)
        if m:
            out.append((int(m.group(1)), m.group(2), int(m.group(3)), m.group(7) is not None))
    return out


def summary(stdout):
    for line in stdout.splitlines():
        m = SUMMARY_RE.match(line)
        if m:
            return {"segments": int(m.group(1)), "media": float(m.group(2)), "bitrate": int(m.group(3)),
                    "switches": int(m.group(4)), "stalls": int(m.group(5)), "stall_s": float(m.group(6)),
                    "startup": float(m.group(7))}
    raise AssertionError(f"no summary line in:\n{stdout}")


@pytest.fixture(scope="session")
def vod(tmp_path_factory):
    """A 24 s test pattern in 1 s segments, three renditions and audio (made once)."""
    if FFMPEG is None:
        pytest.skip("ffmpeg not installed")
    out = tmp_path_factory.mktemp("vod") / "tp"
    r = make(out, "--test-pattern", "24", "--segment", "1")
    assert r.returncode == 0, r.stderr
    return out


@pytest.fixture(scope="module")
def vod_server(vod):
    s = serve(vod)
    yield s
    s.stop()
