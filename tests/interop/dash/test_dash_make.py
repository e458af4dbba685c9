"""`layer7 stream make` drives ffmpeg into a DASH presentation that ffprobe and ffmpeg read over HTTP
from our server; a missing ffmpeg is a clear error."""
import json
import os
import re
import subprocess

from dashkit import FFMPEG, FFPROBE, make, needs_ffmpeg, vod, vod_server  # noqa: F401 (fixtures)
from conftest import layer7_bin

pytestmark = needs_ffmpeg


def test_make_writes_three_renditions_with_a_number_template(vod):
    mpd = (vod / "manifest.mpd").read_text()
    assert 'type="static"' in mpd
    video = re.findall(r'<Representation id="(\d+)" mimeType="video/mp4"[^>]*bandwidth="(\d+)"', mpd)
    assert [int(b) for _, b in video] == [300000, 800000, 2000000], mpd
    assert "$Number%05d$" in mpd and "SegmentTemplate" in mpd
    for rep, _ in video:
        assert (vod / f"init-stream{rep}.m4s").exists()
        assert len(list(vod.glob(f"chunk-stream{rep}-*.m4s"))) == 24  # 24 s in 1 s segments


def test_ffprobe_reads_our_mpd_over_http(vod_server):
    r = subprocess.run([FFPROBE, "-v", "error", "-show_streams", "-of", "json", vod_server.url("/manifest.mpd")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    streams = json.loads(r.stdout)["streams"]
    heights = sorted(s["height"] for s in streams if s["codec_type"] == "video")
    assert heights == [240, 480, 720]
    assert [s["codec_name"] for s in streams if s["codec_type"] == "audio"] == ["aac"]


def test_ffmpeg_copies_the_top_rendition_from_our_server(vod_server, tmp_path):
    out = tmp_path / "copy.mp4"
    r = subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-i", vod_server.url("/manifest.mpd"), "-map", "0:v:2",
                        "-map", "0:a:0", "-c", "copy", str(out)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([FFPROBE, "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(out)],
                       capture_output=True, text=True, timeout=30)
    assert abs(float(r.stdout) - 24) < 0.5, r.stdout


def test_a_missing_ffmpeg_is_a_clear_error(tmp_path):
    r = subprocess.run([layer7_bin(), "stream", "make", "--test-pattern", "2", "--out", str(tmp_path / "x")],
                       capture_output=True, text=True, timeout=30, env={**os.environ, "PATH": str(tmp_path)})
    assert r.returncode == 2
    assert "ffmpeg not found on PATH" in r.stderr


def test_make_needs_an_input_or_a_pattern(tmp_path):
    r = make(tmp_path / "x")
    assert r.returncode == 2 and "INPUT or --test-pattern" in r.stderr
    r = make(tmp_path / "x", str(tmp_path / "nonexistent.mp4"))
    assert r.returncode == 1 and "ffmpeg failed" in r.stderr
