"""Helpers for the RTSP interop tests: our server on free ports, ffmpeg publishing a test pattern,
media files made with ffmpeg. Every wait has a deadline; everything is on loopback."""
import shutil
import signal
import socket
import subprocess
import time

import pytest

from conftest import Process, free_port


def need(*programs):
    for p in programs:
        if shutil.which(p) is None:
            pytest.skip(f"{p} is not installed (tools/setup.sh test)")


def free_even_udp_pair():
    """An even UDP port whose successor is free too (RTP, RTCP)."""
    for _ in range(100):
        port = free_port(socket.SOCK_DGRAM)
        if port % 2 or port >= 65534:
            continue
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as a, \
                    socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as b:
                a.bind(("127.0.0.1", port))
                b.bind(("127.0.0.1", port + 1))
            return port
        except OSError:
            continue
    raise RuntimeError("no free UDP port pair")


def start_server(layer7, media=None, extra=()):
    port = free_port()
    rtp = free_even_udp_pair()
    args = ["--log-level", "info", "rtsp", "serve", "--listen", f"127.0.0.1:{port}", "--rtp-port", str(rtp), *extra]
    if media:
        args += ["--media", str(media)]
    server = layer7(*args)
    return server, port


def publish(url, seconds=30, tcp=False, rate=25):
    """ffmpeg sending a live H.264 test pattern (libx264, -re) to `url` with ANNOUNCE/RECORD."""
    args = ["ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi",
            "-i", f"testsrc=size=320x240:rate={rate}", "-t", str(seconds),
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-g", str(rate),
            "-pix_fmt", "yuv420p", "-f", "rtsp"]
    if tcp:
        args += ["-rtsp_transport", "tcp"]
    return subprocess.Popen(args + [url], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_published(server, path, deadline=15.0):
    server.wait_output(f"publishes {path}", deadline)


def stop(proc, deadline=10.0):
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(deadline)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def make_mp4(path, seconds=3):
    """An MP4 with H.264 video and AAC audio, made by ffmpeg."""
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                    f"testsrc=size=320x240:rate=25:duration={seconds}", "-f", "lavfi", "-i",
                    f"sine=frequency=440:duration={seconds}", "-c:v", "libx264", "-preset", "ultrafast",
                    "-g", "25", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", "-y", str(path)],
                   check=True, timeout=60)


def ffprobe_streams(source, extra=(), timeout=30):
    """codec_name of every stream ffprobe finds in `source`."""
    r = subprocess.run(["ffprobe", "-v", "error", *extra, "-show_entries", "stream=codec_name",
                        "-of", "csv=p=0", source], capture_output=True, text=True, timeout=timeout)
    return r.returncode, [l.strip() for l in r.stdout.splitlines() if l.strip()], r.stderr


def rtsp_exchange(port, data, deadline=5.0):
    """Sends raw bytes on a new RTSP connection and returns what comes back until the server
    closes or a full response (head + declared body) arrived."""
    with socket.create_connection(("127.0.0.1", port), timeout=deadline) as s:
        s.sendall(data)
        got = b""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            got += chunk
            if b"\r\n\r\n" in got:
                head, _, body = got.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                if len(body) >= length:
                    break
        return got.decode(errors="replace")
