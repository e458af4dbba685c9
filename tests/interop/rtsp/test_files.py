"""Files under the media root, demuxed with libavformat and paced as recorded: ffprobe and ffmpeg
read H.264 + AAC over UDP and TCP, `Range: npt` seeks, VLC plays."""
import os
import shutil
import subprocess
import time

import pytest

from conftest import layer7_bin
from rtsp_support import ffprobe_streams, make_mp4, need, start_server


@pytest.fixture
def media(tmp_path):
    need("ffmpeg", "ffprobe")
    root = tmp_path / "media"
    root.mkdir()
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


def test_vlc_plays_for_a_few_seconds(layer7, media):
    need("cvlc")
    if os.geteuid() == 0:
        pytest.skip("VLC refuses to run as root")
    _, port = start_server(layer7, media)
    r = subprocess.run(["cvlc", "-I", "dummy", "--vout", "dummy", "--aout", "dummy", "--play-and-exit",
                        "--run-time", "10", f"rtsp://127.0.0.1:{port}/clip.mp4"],
                       capture_output=True, text=True, timeout=40)
    assert r.returncode == 0, r.stderr
