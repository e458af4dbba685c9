"""`layer7 rtsp play --out F`: what was received, unchanged, in the container F names — H.264 with
AAC or Opus in Matroska, MP4 and MPEG-TS, or the H.264 track alone as Annex B — and ffprobe reads
every track with its frames. Files served by our server (libavformat demuxing), over UDP and TCP."""
import subprocess

import pytest

from conftest import layer7_bin
from rtsp_support import ffprobe_streams, need, start_server


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    need("ffmpeg", "ffprobe")
    root = tmp_path_factory.mktemp("media")
    for audio, name in (("aac", "aac.mp4"), ("libopus", "opus.mkv")):
        subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i",
                        "testsrc=size=320x240:rate=25:duration=3", "-f", "lavfi", "-i", "sine=frequency=440:duration=3",
                        "-c:v", "libx264", "-preset", "ultrafast", "-g", "25", "-pix_fmt", "yuv420p", "-c:a", audio,
                        "-shortest", "-y", str(root / name)], check=True, timeout=60)
    return root


def probe(path, stream, entries):
    """The first stream of that kind: its entries, by name (MPEG-TS lists it twice, under its program too)."""
    r = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", stream, "-show_entries",
                        "stream=" + entries, "-of", "default=nw=1", str(path)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    found = {}
    for line in r.stdout.splitlines():
        name, _, value = line.partition("=")
        found.setdefault(name, value)
    return found


@pytest.mark.parametrize("source,out,codecs,transport", [
    ("aac.mp4", "got.mkv", ["h264", "aac"], []),
    ("aac.mp4", "got.mp4", ["h264", "aac"], ["--tcp"]),
    ("aac.mp4", "got.ts", ["h264", "aac"], []),
    ("opus.mkv", "got.mkv", ["h264", "opus"], ["--tcp"]),
    ("aac.mp4", "got.h264", ["h264"], []),
])
def test_play_out_writes_every_track_ffprobe_reads(layer7, media, tmp_path, source, out, codecs, transport):
    server, port = start_server(layer7, media=media)
    target = tmp_path / out
    r = subprocess.run([layer7_bin(), "rtsp", "play", f"rtsp://127.0.0.1:{port}/{source}", "--out", str(target),
                        *transport], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert f"writing {' + '.join(codecs)} to {target}" in r.stdout, r.stdout
    rc, streams, err = ffprobe_streams(str(target))
    assert rc == 0 and list(dict.fromkeys(streams)) == codecs, err
    # 3 s at 25 fps: every picture from the first key frame on
    video = probe(target, "v", "width,height,nb_read_frames")
    assert video["width"] == "320" and video["height"] == "240" and int(video["nb_read_frames"]) >= 70, video
    if len(codecs) > 1:
        audio = int(probe(target, "a", "nb_read_frames")["nb_read_frames"])
        # AAC: 1024 samples a frame at 44.1 kHz (~43/s); Opus: 20 ms (50/s)
        assert audio >= (120 if codecs[1] == "aac" else 140), audio


def test_play_out_refuses_what_it_cannot_write(layer7, media, tmp_path):
    server, port = start_server(layer7, media=media)
    r = subprocess.run([layer7_bin(), "rtsp", "play", f"rtsp://127.0.0.1:{port}/aac.mp4", "--out",
                        str(tmp_path / "got.unknown-extension")], capture_output=True, text=True, timeout=30)
    assert r.returncode == 1 and "rtsp play: --out: no container for" in r.stderr, r.stderr
