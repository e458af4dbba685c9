"""Publishing and reading live: ffmpeg publishes a test pattern (ANNOUNCE/RECORD over UDP and TCP),
ffprobe, ffmpeg, GStreamer and our own player read it, two at once; a publisher that vanishes ends
its readers; a late reader gets sender reports of its own and its receiver reports show on the
stats page."""
import json
import re
import select
import signal
import subprocess
import time
import urllib.request

from conftest import free_port, layer7_bin
from rtsp_support import (ffprobe_streams, need, publish, start_server, stop, wait_published)


def test_ffmpeg_publishes_udp_and_two_readers_at_once(layer7, tmp_path):
    need("ffmpeg", "ffprobe")
    server, port = start_server(layer7)
    url = f"rtsp://127.0.0.1:{port}/live/cam"
    publisher = publish(url)
    try:
        wait_published(server, "live/cam")
        # two readers at once: ffmpeg over UDP copying 50 frames, ffmpeg over TCP the same
        readers = [subprocess.Popen(["ffmpeg", "-hide_banner", "-loglevel", "error", "-rtsp_transport", transport,
                                     "-i", url, "-frames:v", "50", "-c", "copy", "-y", str(tmp_path / f"{transport}.mkv")],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                   for transport in ("udp", "tcp")]
        for r in readers:
            _, err = r.communicate(timeout=60)
            assert r.returncode == 0, err.decode()
        for transport in ("udp", "tcp"):
            rc, streams, err = ffprobe_streams(str(tmp_path / f"{transport}.mkv"))
            assert rc == 0 and streams == ["h264"], err
        rc, streams, err = ffprobe_streams(url, ["-rtsp_transport", "tcp"])
        assert rc == 0 and streams == ["h264"], err
    finally:
        stop(publisher)


def test_ffmpeg_publishes_over_tcp_and_layer7_play_writes_h264(layer7, tmp_path):
    need("ffmpeg", "ffprobe")
    server, port = start_server(layer7)
    url = f"rtsp://127.0.0.1:{port}/tcp-live"
    publisher = publish(url, tcp=True)
    try:
        wait_published(server, "tcp-live")
        for transport in ([], ["--tcp"]):
            out = tmp_path / f"got{len(transport)}.h264"
            r = subprocess.run([layer7_bin(), "rtsp", "play", url, "--duration", "3", "--delay", "150",
                                "--out", str(out), *transport], capture_output=True, text=True, timeout=30)
            assert r.returncode == 0, r.stdout + r.stderr
            assert "track 0 H264" in r.stdout and "lost 0" in r.stdout, r.stdout
            rc, streams, err = ffprobe_streams(str(out))
            assert rc == 0 and streams == ["h264"], err
            frames = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v",
                                     "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", str(out)],
                                    capture_output=True, text=True, timeout=30)
            assert int(frames.stdout.strip()) >= 40, frames.stdout
    finally:
        stop(publisher)


def test_gstreamer_rtspsrc_reads_a_live_path(layer7):
    need("ffmpeg", "gst-launch-1.0")
    server, port = start_server(layer7)
    url = f"rtsp://127.0.0.1:{port}/gst"
    publisher = publish(url)
    try:
        wait_published(server, "gst")
        for protocols in ("udp", "tcp"):
            command = ["gst-launch-1.0", "-q", "rtspsrc", f"location={url}", f"protocols={protocols}",
                       "!", "rtph264depay", "!", "h264parse", "!", "fakesink", "num-buffers=50"]
            r = subprocess.run(command, capture_output=True, text=True, timeout=60)
            if r.returncode != 0 and "gst_rtspsrc_pause" in r.stderr:
                # Seen once in CI under load (session 17's note, not reproduced since): the 50
                # buffers came, then the PAUSE of rtspsrc's teardown met a closed connection. One
                # more run tells that race from a reader that cannot read.
                r = subprocess.run(command, capture_output=True, text=True, timeout=60)
            assert r.returncode == 0, r.stdout + r.stderr
    finally:
        stop(publisher)


def test_a_vanishing_publisher_ends_its_readers(layer7):
    need("ffmpeg")
    server, port = start_server(layer7)
    url = f"rtsp://127.0.0.1:{port}/gone"
    publisher = publish(url)
    wait_published(server, "gone")
    reader = subprocess.Popen([layer7_bin(), "rtsp", "play", url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
    server.wait_output("reads gone", 15)
    # the reader has played frames (its once-a-second line says so) before the publisher goes
    seen, deadline = [], time.monotonic() + 15
    while time.monotonic() < deadline and reader.poll() is None:
        ready, _, _ = select.select([reader.stdout], [], [], 1.0)
        if ready:
            seen.append(reader.stdout.readline())
            if re.search(r"played [1-9]", seen[-1]):
                break
    assert seen and re.search(r"played [1-9]", seen[-1]), "".join(seen)
    publisher.send_signal(signal.SIGKILL)  # no TEARDOWN: the connection just drops
    publisher.wait()
    out, err = reader.communicate(timeout=20)
    assert reader.returncode == 0, "".join(seen) + out + err
    server.wait_output("stopped publishing gone", 10)


def stats_json(port):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats.json", timeout=5) as r:
        assert r.headers["Content-Type"] == "application/json"
        return json.loads(r.read())


def wait_stats(port, ok, what, deadline=20.0):
    end = time.monotonic() + deadline
    while True:
        stats = stats_json(port)
        if ok(stats):
            return stats
        assert time.monotonic() < end, f"no {what} on the stats page in {deadline} s: {stats}"
        time.sleep(0.2)


def test_a_late_reader_gets_our_sender_reports_and_its_receiver_reports_show_on_the_stats_page(layer7):
    need("ffmpeg")
    stats_port = free_port()
    server, port = start_server(layer7, extra=["--stats", f"127.0.0.1:{stats_port}"])
    server.wait_output(f"rtsp/stats  127.0.0.1:{stats_port}")
    url = f"rtsp://127.0.0.1:{port}/late"
    publisher = publish(url)
    try:
        wait_published(server, "late")
        # join late: the publisher has sent 100 packets (and its own SRs) before we read
        wait_stats(stats_port, lambda s: s["streams"] and s["streams"][0]["packets_in"] >= 100, "100 packets in")
        reader = subprocess.Popen([layer7_bin(), "--trace", "rtsp", "play", url, "--duration", "8"],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            # layer7 play sends a receiver report every 5 s; the page shows it with what we sent
            stats = wait_stats(stats_port, lambda s: s["readers"] and s["readers"][0]["tracks"][0]["receiver_report"],
                               "receiver report")
            row = stats["readers"][0]
            assert row["path"] == "late" and row["transport"] == "udp" and not row["file"], row
            track = row["tracks"][0]
            assert track["media"] == "video H264/90000" and track["packets_sent"] > 0, track
            assert track["receiver_report"]["cumulative_lost"] == 0, track
            assert stats["streams"][0]["readers"] == 1 and stats["streams"][0]["publisher"].startswith("127.0.0.1:")
            with urllib.request.urlopen(f"http://127.0.0.1:{stats_port}/", timeout=5) as r:
                page = r.read().decode()
            assert row["peer"] in page and "H264/90000" in page, page
            out, err = reader.communicate(timeout=30)
        finally:
            if reader.poll() is None:
                reader.kill()
                reader.communicate()
        assert reader.returncode == 0, out + err
        # our SRs count what this reader was sent: the first comes with its first packet, not the
        # publisher's hundreds
        counts = [int(n) for n in re.findall(r"RTCP SR ssrc=\d+ rtp=\d+ packets=(\d+)", out + err)]
        assert len(counts) >= 2, out + err
        assert counts[0] < 20 and counts == sorted(counts), counts
        # --trace: the dialogue, and a summary of every RTP packet
        assert "C: PLAY rtsp://" in err + out and re.search(r"track 0 RTP pt=96 seq=\d+ ts=\d+ ssrc=\d+", out + err)
    finally:
        stop(publisher)
