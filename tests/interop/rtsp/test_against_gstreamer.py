"""`layer7 rtsp play` against the GStreamer RTSP server (the known-good peer), over UDP and TCP, and
malformed or hostile requests against our server."""
import socket
import subprocess

import pytest

from conftest import Process, free_port, layer7_bin
from rtsp_support import ffprobe_streams, need, rtsp_exchange, start_server

GST_SERVER = __file__.replace("test_against_gstreamer.py", "gst_rtsp_server.py")


def gst_server_available():
    r = subprocess.run(["/usr/bin/python3", "-c", "import gi; gi.require_version('GstRtspServer', '1.0')"],
                       capture_output=True, timeout=30)
    return r.returncode == 0


def test_layer7_play_against_gst_rtsp_server(tmp_path):
    need("ffprobe")
    if not gst_server_available():
        pytest.skip("gir1.2-gst-rtsp-server-1.0 is not installed")
    port = free_port()
    server = Process(["/usr/bin/python3", GST_SERVER, str(port)], ready="ready", deadline=30)
    try:
        for transport in ([], ["--tcp"]):
            out = tmp_path / f"gst{len(transport)}.h264"
            r = subprocess.run([layer7_bin(), "--trace", "rtsp", "play", f"rtsp://127.0.0.1:{port}/test",
                                "--duration", "6", "--out", str(out), *transport],
                               capture_output=True, text=True, timeout=40)
            assert r.returncode == 0, r.stdout + r.stderr
            assert "C: DESCRIBE" in r.stderr and "S: RTSP/1.0 200 OK" in r.stderr
            assert "RTCP SR" in r.stderr  # the sender's reports, summarised in the trace
            assert "track 0 H264" in r.stdout
            rc, streams, err = ffprobe_streams(str(out))
            assert rc == 0 and streams == ["h264"], err
    finally:
        server.stop()


def test_malformed_requests_get_400_and_unknown_tracks_404(layer7):
    _, port = start_server(layer7)
    assert rtsp_exchange(port, b"HELLO\r\n\r\n").startswith("RTSP/1.0 400 Bad Request")
    assert rtsp_exchange(port, b"OPTIONS * RTSP/1.0\r\nBad header\r\n\r\n").startswith("RTSP/1.0 400")
    assert rtsp_exchange(port, b"OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n").startswith("RTSP/1.0 505")
    answer = rtsp_exchange(port, b"OPTIONS * RTSP/1.0\r\nCSeq: 7\r\n\r\n")
    assert answer.startswith("RTSP/1.0 200 OK") and "CSeq: 7" in answer and "ANNOUNCE" in answer
    assert rtsp_exchange(port, b"DESCRIBE rtsp://127.0.0.1/none RTSP/1.0\r\nCSeq: 1\r\n\r\n").startswith("RTSP/1.0 404")


def announce(port, path):
    sdp = b"v=0\r\ns=x\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n"
    return (f"ANNOUNCE rtsp://127.0.0.1:{port}/{path} RTSP/1.0\r\nCSeq: 1\r\nContent-Type: application/sdp\r\n"
            f"Content-Length: {len(sdp)}\r\n\r\n").encode() + sdp


def record(s, port, path):
    """ANNOUNCE + SETUP (interleaved) + RECORD on socket s; returns the session id."""
    s.sendall(announce(port, path))
    assert s.recv(4096).startswith(b"RTSP/1.0 200")
    s.sendall(f"SETUP rtsp://127.0.0.1:{port}/{path}/streamid=0 RTSP/1.0\r\nCSeq: 2\r\n"
              f"Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record\r\n\r\n".encode())
    reply = s.recv(4096).decode()
    assert reply.startswith("RTSP/1.0 200"), reply
    session = [l for l in reply.split("\r\n") if l.startswith("Session:")][0].split(":")[1].split(";")[0].strip()
    s.sendall(f"RECORD rtsp://127.0.0.1:{port}/{path} RTSP/1.0\r\nCSeq: 3\r\nSession: {session}\r\n\r\n".encode())
    assert s.recv(4096).startswith(b"RTSP/1.0 200")
    return session


def test_no_reflection_and_no_unknown_tracks(layer7):
    _, port = start_server(layer7)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(announce(port, "other"))
        assert s.recv(4096).startswith(b"RTSP/1.0 200")
        s.sendall(f"SETUP rtsp://127.0.0.1:{port}/other/streamid=9 RTSP/1.0\r\nCSeq: 2\r\n"
                  f"Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record\r\n\r\n".encode())
        assert s.recv(4096).startswith(b"RTSP/1.0 404")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        record(s, port, "live")
        setup = f"SETUP rtsp://127.0.0.1:{port}/live/trackID=0 RTSP/1.0\r\nCSeq: 3\r\nTransport: "
        # a player asking us to send RTP to someone else (a reflection attack): refused
        third_party = rtsp_exchange(port, (setup + "RTP/AVP;unicast;destination=192.0.2.1;client_port=5000-5001\r\n\r\n").encode())
        assert third_party.startswith("RTSP/1.0 403"), third_party
        low_ports = rtsp_exchange(port, (setup + "RTP/AVP;unicast;client_port=7-8\r\n\r\n").encode())
        assert low_ports.startswith("RTSP/1.0 461"), low_ports
        missing = rtsp_exchange(port, (setup.replace("trackID=0", "trackID=3") + "RTP/AVP;unicast;client_port=5000-5001\r\n\r\n").encode())
        assert missing.startswith("RTSP/1.0 404"), missing
        fine = rtsp_exchange(port, (setup + "RTP/AVP;unicast;client_port=5000-5001\r\n\r\n").encode())
        assert fine.startswith("RTSP/1.0 200") and "server_port=" in fine, fine


def test_oversized_interleaved_frames_are_dropped_and_the_connection_lives(layer7):
    _, port = start_server(layer7)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        session = record(s, port, "big")
        s.sendall(b"$\x00\xff\xff" + b"x" * 0xffff)  # 64 KiB, over the 8 KiB limit
        s.sendall(b"GET_PARAMETER * RTSP/1.0\r\nCSeq: 4\r\nSession: " + session.encode() + b"\r\n\r\n")
        assert s.recv(4096).startswith(b"RTSP/1.0 200")
