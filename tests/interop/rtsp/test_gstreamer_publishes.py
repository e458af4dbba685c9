"""GStreamer publishes (rtspclientsink: ANNOUNCE, SETUP, RECORD) H.264 and Opus over UDP and over
TCP; we relay both tracks unchanged, and our player writes them to a Matroska file ffprobe reads."""
import subprocess

import pytest

from conftest import layer7_bin
from rtsp_support import ffprobe_streams, need, start_server, stop, wait_published


@pytest.mark.parametrize("protocols", ["udp", "tcp"])
def test_gstreamer_publishes_h264_and_opus_and_both_reach_a_reader(layer7, tmp_path, protocols):
    need("gst-launch-1.0", "ffprobe")
    server, port = start_server(layer7)
    url = f"rtsp://127.0.0.1:{port}/gst/{protocols}"
    publisher = subprocess.Popen(
        ["gst-launch-1.0", "-q", "rtspclientsink", "name=s", f"location={url}", f"protocols={protocols}",
         "videotestsrc", "is-live=true", "!", "video/x-raw,width=320,height=240,framerate=25/1", "!",
         "x264enc", "tune=zerolatency", "speed-preset=ultrafast", "key-int-max=25", "!", "s.",
         "audiotestsrc", "is-live=true", "!", "opusenc", "!", "s."],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_published(server, f"gst/{protocols}")
        out = tmp_path / "got.mkv"
        r = subprocess.run([layer7_bin(), "rtsp", "play", url, "--duration", "4", "--out", str(out)],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "OPUS" in r.stdout and "H264" in r.stdout and "lost 0" in r.stdout, r.stdout
        rc, streams, err = ffprobe_streams(str(out))
        assert rc == 0 and sorted(streams) == ["h264", "opus"], err
        counts = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-show_entries",
                                 "stream=codec_name,nb_read_frames", "-of", "csv=p=0", str(out)],
                                capture_output=True, text=True, timeout=30).stdout
        frames = dict(line.split(",") for line in counts.split())
        # 4 s played, less the wait for the first key frame (1 s at most): 25 pictures and 50
        # Opus packets a second
        assert int(frames["h264"]) >= 60 and int(frames["opus"]) >= 150, frames
    finally:
        stop(publisher)
