"""`layer7 stream play` against our server: a rate cap that drops and recovers makes the throughput
rule switch down and back up; BOLA plays too; --out writes a file ffprobe reads; a malformed MPD, a
missing MPD and a missing segment are clear errors."""
import shutil
import subprocess

from dashkit import FFMPEG, FFPROBE, needs_ffmpeg, play, segments, serve, summary, vod, vod_server  # noqa: F401

pytestmark = needs_ffmpeg


def test_without_a_cap_it_climbs_to_the_top_and_plays_without_stalls(vod_server):
    r = play(vod_server.url("/manifest.mpd"))
    assert r.returncode == 0, r.stderr
    segs = segments(r.stdout)
    assert len(segs) == 24
    assert segs[0][2] == 300 and segs[-1][2] == 2000, r.stdout
    s = summary(r.stdout)
    assert s["stalls"] == 0 and s["segments"] == 24 and abs(s["media"] - 24) < 0.01


def test_a_rate_dip_switches_down_and_back_up(vod_server, tmp_path):
    trace = tmp_path / "trace.txt"
    # kbit/s over time: plenty, a dip below the middle rendition, plenty again
    trace.write_text("0 8000\n4 500\n14 8000\n")
    r = play(vod_server.url("/manifest.mpd"), "--trace-file", str(trace), "--max-buffer", "6")
    assert r.returncode == 0, r.stderr
    rates = [kbps for _, _, kbps, _ in segments(r.stdout)]
    top = rates.index(2000)
    low = rates.index(300, top)  # down after having been at the top…
    assert 2000 in rates[low:], r.stdout  # …and back up after the dip
    assert summary(r.stdout)["switches"] >= 3


def test_a_fixed_low_rate_keeps_the_lowest_rendition(vod_server):
    r = play(vod_server.url("/manifest.mpd"), "--rate", "500", "--max-buffer", "30")
    assert r.returncode == 0, r.stderr
    assert {kbps for _, _, kbps, _ in segments(r.stdout)} == {300}, r.stdout


def test_bola_plays_and_climbs_with_the_buffer(vod_server):
    r = play(vod_server.url("/manifest.mpd"), "--abr", "bola", "--max-buffer", "14")
    assert r.returncode == 0, r.stderr
    rates = [kbps for _, _, kbps, _ in segments(r.stdout)]
    assert rates[0] == 300 and 2000 in rates, r.stdout
    assert summary(r.stdout)["stalls"] == 0


def test_out_writes_media_ffprobe_reads(vod_server, tmp_path):
    out = tmp_path / "got.mp4"
    r = play(vod_server.url("/manifest.mpd"), "--out", str(out))
    assert r.returncode == 0, r.stderr
    p = subprocess.run([FFPROBE, "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                        "stream=nb_read_frames", "-of", "csv=p=0", str(out)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert int(p.stdout.strip()) == 24 * 25  # every frame of every segment decodes, across the switches
    d = subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-i", str(out), "-f", "null", "-"],
                       capture_output=True, text=True, timeout=120)
    assert d.returncode == 0 and d.stderr == "", d.stderr


def test_malformed_and_missing_mpd_are_clear_errors(vod, tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "bad.mpd").write_text("<MPD><Period><AdaptationSet></Period></MPD>")
    (root / "html.mpd").write_text("<html><body>hello</body></html>")
    s = serve(root)
    try:
        r = play(s.url("/bad.mpd"))
        assert r.returncode == 1 and "malformed MPD: mismatched or unclosed tag" in r.stderr, r.stderr
        r = play(s.url("/html.mpd"))
        assert r.returncode == 1 and "not an MPD: the root element is <html>" in r.stderr, r.stderr
        r = play(s.url("/none.mpd"))
        assert r.returncode == 1 and "/none.mpd: 404 Not Found" in r.stderr, r.stderr
    finally:
        s.stop()


def test_a_missing_segment_is_a_clear_error(vod, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(vod, copy)
    (copy / "chunk-stream0-00003.m4s").unlink()
    s = serve(copy)
    try:
        r = play(s.url("/manifest.mpd"), "--rate", "400")
        assert r.returncode == 1
        assert "segment " + s.url("/chunk-stream0-00003.m4s") + ": 404 Not Found" in r.stderr, r.stderr
        assert len(segments(r.stdout)) == 2
    finally:
        s.stop()


def test_a_refused_connection_is_a_clear_error():
    r = play("http://127.0.0.1:9/manifest.mpd")
    assert r.returncode == 1 and "layer7 stream play: http://127.0.0.1:9/manifest.mpd:" in r.stderr
