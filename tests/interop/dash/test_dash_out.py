"""`layer7 stream play --out` across representation switches, on a presentation whose renditions keep
their H.264 parameter sets only in their init segments (ffmpeg's DASH muxer by default: avc1, SPS/PPS
in avcC, none in band). A rate dip switches the player down and back up; the file it writes must
decode with no error in ffmpeg, hold one frame per 1/25 s played, and show each segment at the
picture size of the rendition the player chose for it."""
import subprocess

import pytest

from dashkit import FFMPEG, FFPROBE, needs_ffmpeg, play, segments, serve, summary

pytestmark = needs_ffmpeg

FPS = 25
HEIGHTS = {"0": 180, "1": 360}  # representation id → picture height, as made below


@pytest.fixture(scope="module")
def out_of_band(tmp_path_factory):
    """20 s of test pattern in 1 s segments, two renditions, packaged by ffmpeg's own DASH muxer."""
    out = tmp_path_factory.mktemp("oob")
    args = [FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i",
            f"testsrc2=size=640x360:rate={FPS}", "-t", "20", "-map", "0:v:0", "-map", "0:v:0",
            "-c:v", "libx264", "-preset", "ultrafast", "-sc_threshold", "0",
            "-force_key_frames", "expr:gte(t,n_forced*1)",
            "-filter:v:0", "scale=-2:180", "-b:v:0", "200k", "-filter:v:1", "scale=-2:360", "-b:v:1", "700k",
            "-f", "dash", "-seg_duration", "1", "-use_template", "1", "-use_timeline", "0",
            "-adaptation_sets", "id=0,streams=v", str(out / "manifest.mpd")]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    s = serve(out)
    yield out, s
    s.stop()


def decode_errors(path):
    r = subprocess.run([FFMPEG, "-nostdin", "-v", "error", "-i", str(path), "-f", "null", "-"],
                       capture_output=True, text=True, timeout=120)
    return r.returncode, r.stderr


def test_the_renditions_really_need_their_own_init_segments(out_of_band, tmp_path):
    # The premise: the first init segment followed by another rendition's segments (what --out
    # used to write) is garbage to a decoder.
    root, _ = out_of_band
    naive = tmp_path / "naive.mp4"
    with open(naive, "wb") as f:
        for name in ["init-stream0.m4s", "chunk-stream0-00001.m4s", "chunk-stream1-00002.m4s"]:
            f.write((root / name).read_bytes())
    _, errors = decode_errors(naive)
    assert "error while decoding" in errors or "corrupt" in errors.lower(), errors


def test_out_plays_through_a_switch_down_and_back_up(out_of_band, tmp_path):
    _, server = out_of_band
    trace = tmp_path / "trace.txt"
    trace.write_text("0 8000\n3 120\n9 8000\n")  # kbit/s: plenty, below the low rendition, plenty
    out = tmp_path / "got.mp4"
    r = play(server.url("/manifest.mpd"), "--trace-file", str(trace), "--max-buffer", "4", "--out", str(out))
    assert r.returncode == 0, r.stderr
    segs = segments(r.stdout)
    reps = [rep for _, rep, _, _ in segs]
    top = reps.index("1")
    low = reps.index("0", top)  # down after having been up…
    assert "1" in reps[low:], r.stdout  # …and back up after the dip
    played = summary(r.stdout)["media"]
    assert len(segs) == 20 and abs(played - 20) < 0.01, r.stdout
    assert f"out: {out}, 20 segments" in r.stdout

    rc, errors = decode_errors(out)
    assert rc == 0 and errors == "", errors

    p = subprocess.run([FFPROBE, "-v", "error", "-select_streams", "v:0", "-show_entries", "frame=pts_time,width,height",
                        "-show_entries", "format=duration", "-of", "compact=p=0:nk=1", str(out)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    lines = [line.split("|") for line in p.stdout.split("\n") if line]
    frames = [(float(t), int(w), int(h)) for t, w, h, *_ in lines[:-1]]
    assert len(frames) == round(played * FPS)
    assert abs(float(lines[-1][0]) - played) < 0.1, lines[-1]  # the container's duration
    # each frame at the size of the rendition its segment came from: the picture changes at the switches
    for t, w, h in frames:
        rep = reps[int(t + 1e-6)]
        assert (w, h) == (HEIGHTS[rep] * 16 // 9, HEIGHTS[rep]), (t, w, h, rep)
    assert {h for _, _, h in frames} == {180, 360}
