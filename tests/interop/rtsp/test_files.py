"""Files under the media root, demuxed with libavformat and paced as recorded: ffprobe and ffmpeg
read H.264 + AAC over UDP and TCP, `Range: npt` seeks, VLC plays (as `nobody` when run as root, and
only a VLC with its live555 RTSP client: Debian 12 builds VLC without it); and our player reads
VLC's own RTSP server."""
import os
import pathlib
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from conftest import free_port, layer7_bin
from rtsp_support import ffprobe_streams, free_even_udp_pair, make_mp4, need, start_server


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """A 3 s clip, encoded once for the module: the servers only read it."""
    need("ffmpeg", "ffprobe")
    root = tmp_path_factory.mktemp("media")
    make_mp4(root / "clip.mp4", seconds=3)
    return root


def test_ffprobe_sees_h264_and_aac(layer7, media):
    _, port = start_server(layer7, media)
    for transport in ("udp", "tcp"):
        rc, streams, err = ffprobe_streams(f"rtsp://127.0.0.1:{port}/clip.mp4", ["-rtsp_transport", transport])
        assert rc == 0 and sorted(streams) == ["aac", "h264"], err


def test_ffmpeg_copies_the_file_with_its_pacing(layer7, media, tmp_path):
    _, port = start_server(layer7, media)
    for transport in ("udp", "tcp"):
        out = tmp_path / f"copy-{transport}.mkv"
        start = time.monotonic()
        r = subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-rtsp_transport", transport,
                            "-i", f"rtsp://127.0.0.1:{port}/clip.mp4", "-c", "copy", "-y", str(out)],
                           capture_output=True, text=True, timeout=60)
        took = time.monotonic() - start
        assert r.returncode == 0, r.stderr
        assert 2.5 <= took < 15, f"a 3 s file took {took:.1f} s"  # sent at its own pace, ended by BYE
        frames = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v",
                                 "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(out)],
                                capture_output=True, text=True, timeout=30)
        assert int(frames.stdout.strip()) >= 70, frames.stdout  # 75 frames in the file


def test_layer7_play_of_a_file_with_range(layer7, media, tmp_path):
    _, port = start_server(layer7, media)
    r = subprocess.run([layer7_bin(), "rtsp", "play", f"rtsp://127.0.0.1:{port}/clip.mp4", "--out",
                        str(tmp_path / "v.h264")], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "MPEG4-GENERIC" in r.stdout and "H264" in r.stdout
    rc, streams, err = ffprobe_streams(str(tmp_path / "v.h264"))
    assert rc == 0 and streams == ["h264"], err


NOBODY = 65534  # uid and gid of `nobody` on Debian


@pytest.fixture
def cvlc():
    """The argv and environment that run cvlc with a fresh HOME and a bare environment, as `nobody`
    when we are root (VLC refuses to run as root). The HOME is made in /tmp, since pytest's
    tmp_path is under a directory only root may enter."""
    need("cvlc")
    home = tempfile.mkdtemp(prefix="layer7-vlc-home-")
    as_nobody = os.geteuid() == 0
    if as_nobody:
        os.chown(home, NOBODY, NOBODY)
    env = {"HOME": home, "PATH": "/usr/bin:/bin", "LC_ALL": "C"}  # no DISPLAY, D-Bus or XDG dirs
    prefix = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"] if as_nobody else []
    try:
        yield lambda *args: ([*prefix, shutil.which("cvlc"), *args], env, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def vlc(cvlc):
    """Runs cvlc to the end; skips unless this VLC has an RTSP client."""
    def run(*args, timeout):
        argv, env, cwd = cvlc(*args)
        return subprocess.run(argv, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)

    modules = run("--list", timeout=30)
    assert modules.returncode == 0 and "avcodec" in modules.stdout, modules.stderr
    if not re.search(r"^\s*live555\s", modules.stdout, re.M):
        # VLC's RTSP client is its live555 module; without it `rtsp://` reaches only the SAT>IP and
        # Real RTSP modules, which send SETUP without DESCRIBE and give up (VLC still exits 0).
        pytest.skip("this VLC has no RTSP client: built without live555, as Debian 12's is")
    return run


def test_vlc_plays_for_a_few_seconds(vlc, layer7, media):
    port = free_port()
    server = layer7("--trace", "rtsp", "serve", "--listen", f"127.0.0.1:{port}",
                    "--rtp-port", str(free_even_udp_pair()), "--media", str(media))
    # The 3 s clip ends with an RTCP BYE; --run-time bounds the run if VLC missed it, timeout= bounds it all.
    r = vlc("-vv", "--vout", "dummy", "--aout", "dummy", "--play-and-exit", "--run-time", "10",
            f"rtsp://127.0.0.1:{port}/clip.mp4", timeout=40)
    assert r.returncode == 0, r.stderr[-4000:]  # VLC exits 0 even when it could not open the URL, so:
    for request in ("DESCRIBE", "SETUP", "PLAY"):
        server.wait_output(f"C: {request} rtsp://127.0.0.1:{port}/clip.mp4", deadline=5)
    server.wait_output("C: User-Agent: LibVLC", deadline=5)  # VLC's live555 client, not another
    server.wait_output("plays file clip.mp4", deadline=5)
    server.wait_output("RTCP RR", deadline=5)  # VLC reported what it received
    assert "codec (h264) started" in r.stderr, r.stderr[-4000:]
    assert "Received first picture" in r.stderr, r.stderr[-4000:]  # decoded, not only received


def test_layer7_play_reads_vlcs_rtsp_server(cvlc, tmp_path):
    """The other way round, which Debian's VLC can do: VLC's own RTSP server (its rtp stream output)
    sends a file's H.264 and AAC; our player plays both and writes them to a file ffprobe reads."""
    home = pathlib.Path(cvlc()[2])  # the clip goes where `nobody` may read it
    clip = home / "long.mp4"
    make_mp4(clip, seconds=30)  # longer than the test: VLC says BYE at the end of its input
    os.chmod(clip, 0o644)
    port = free_port()
    argv, env, cwd = cvlc("-q", str(clip), "--sout", f"#rtp{{sdp=rtsp://127.0.0.1:{port}/vlc}}")
    server = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 20
        while True:  # VLC's RTSP port opens once its stream output runs
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < end, "VLC's RTSP server did not start"
                time.sleep(0.1)
        out = tmp_path / "got.mkv"
        r = subprocess.run([layer7_bin(), "rtsp", "play", f"rtsp://127.0.0.1:{port}/vlc", "--duration", "4",
                            "--out", str(out)], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "H264" in r.stdout and "mpeg4-generic" in r.stdout and "lost 0" in r.stdout, r.stdout
        rc, streams, err = ffprobe_streams(str(out))
        assert rc == 0 and sorted(streams) == ["aac", "h264"], err
        frames = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v", "-show_entries",
                                 "stream=nb_read_frames", "-of", "csv=p=0", str(out)],
                                capture_output=True, text=True, timeout=30).stdout
        assert int(frames.strip()) >= 60, frames  # 4 s at 25 fps, less the wait for a key frame
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
