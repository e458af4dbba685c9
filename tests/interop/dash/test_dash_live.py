"""Live DASH: ffmpeg's DASH muxer publishes over HTTP PUT (chunked, persistent connections) into a
writable mount of `layer7 up`; the server drops segments older than live_window; `layer7 stream play`
and ffprobe follow the live manifest."""
import json
import os
import signal
import subprocess
import time

import pytest

from dashkit import FFMPEG, FFPROBE, needs_ffmpeg, play, segments, summary, up

pytestmark = needs_ffmpeg

LIVE_WINDOW = 8  # seconds kept on the server; ffmpeg itself would delete only after 106 segments


def wait_for(predicate, deadline, what):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise TimeoutError(f"{what} within {deadline}s")


def chunks(root, rep):
    return sorted(n for n in os.listdir(root) if n.startswith(f"chunk-stream{rep}-"))


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    base = tmp_path_factory.mktemp("live")
    root = base / "live"
    root.mkdir()
    log = base / "access.log"
    server = up(str(base), f'access_log = "{log}"\n\n[[http.mount]]\nprefix = "/live/"\nhandler = "files"\n'
                           f'root = "{root}"\nwritable = true\nlive_window = {LIVE_WINDOW}\n')
    url = server.url("/live/manifest.mpd")
    args = [FFMPEG, "-nostdin", "-v", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
            "-t", "90", "-map", "0:v", "-map", "0:v", "-map", "0:v", "-c:v", "libx264", "-preset", "ultrafast",
            "-force_key_frames", "expr:gte(t,n_forced*1)", "-x264-params", "repeat-headers=1",
            "-filter:v:0", "scale=-2:180", "-b:v:0", "200k", "-filter:v:1", "scale=-2:270", "-b:v:1", "500k",
            "-b:v:2", "1000k", "-f", "dash", "-method", "PUT", "-http_persistent", "1", "-seg_duration", "1",
            "-window_size", "6", "-extra_window_size", "100", "-use_template", "1", "-use_timeline", "1",
            "-adaptation_sets", "id=0,streams=v", url]
    publisher = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = time.monotonic()
    try:
        wait_for(lambda: (root / "manifest.mpd").exists() and len(chunks(root, 0)) >= 3, 40, "ffmpeg's first segments")
        yield {"root": root, "url": url, "server": server, "started": started, "log": log}
    finally:
        publisher.send_signal(signal.SIGTERM)
        try:
            publisher.wait(timeout=20)
        except subprocess.TimeoutExpired:
            publisher.kill()
            publisher.wait()
        server.stop()


def test_ffmpeg_publishes_with_chunked_puts_on_persistent_connections(live):
    lines = live["log"].read_text().splitlines()
    puts = [l for l in lines if '"PUT /live/' in l]
    assert any("manifest.mpd" in l for l in puts) and any(".m4s" in l for l in puts)
    assert all('" 201 ' in l or '" 204 ' in l for l in puts), puts[:5]
    assert 'type="dynamic"' in (live["root"] / "manifest.mpd").read_text()


def test_stream_play_follows_the_live_manifest(live):
    r = play(live["url"], "--duration", "6", timeout=90)
    assert r.returncode == 0, r.stderr + r.stdout
    segs = segments(r.stdout)
    assert len(segs) >= 6
    numbers = [n for n, _, _, _ in segs]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), numbers  # none skipped
    assert summary(r.stdout)["media"] >= 6


def test_ffprobe_reads_the_live_manifest(live):
    r = subprocess.run([FFPROBE, "-v", "error", "-show_streams", "-of", "json", live["url"]], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    heights = sorted(s["height"] for s in json.loads(r.stdout)["streams"])
    assert heights == [180, 270, 360]


def test_segments_older_than_the_window_are_removed_by_the_server(live):
    root = live["root"]
    wait_for(lambda: time.monotonic() - live["started"] > LIVE_WINDOW + 8, 60, "publishing long enough")
    have = chunks(root, 0)
    assert "chunk-stream0-00001.m4s" not in have, have
    assert 3 <= len(have) <= LIVE_WINDOW + 3, have  # the window's worth, give or take one in flight
    assert (root / "init-stream0.m4s").exists()
