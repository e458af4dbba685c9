"""`layer7 dns serve` under bad input and change: malformed datagrams (FORMERR or silence, never a
crash), TCP framing errors, SIGHUP reload (a new record appears; a broken zone keeps the old one),
and response rate limiting with slip."""
import os
import random
import signal
import socket
import struct
import time

import pytest

from conftest import free_port, run
from hierarchy import dns_query, udp_exchange, write_test_zone

HOST = "127.0.0.1"


@pytest.fixture
def auth(layer7, tmp_path):
    port = free_port()
    zone = write_test_zone(str(tmp_path))
    proc = layer7("dns", "serve", "--threads", "2", "--zone", zone, "--listen", f"{HOST}:{port}")
    return port, proc, zone


def answered(port, name="www.example.test"):
    reply = udp_exchange(HOST, port, dns_query(name, qid=0x4242))
    return reply is not None and reply[:2] == b"\x42\x42" and reply[3] & 0x0f == 0


def test_malformed_datagrams(auth):
    port, proc, _ = auth
    # No header: silence.
    assert udp_exchange(HOST, port, b"\x01\x02\x03", timeout=0.3) is None
    # A response (QR=1): never answered, or two servers could ping-pong forever.
    reply = bytearray(dns_query("www.example.test"))
    reply[2] |= 0x80
    assert udp_exchange(HOST, port, bytes(reply), timeout=0.3) is None
    # A header that promises a question that is not there: FORMERR with our id.
    r = udp_exchange(HOST, port, struct.pack(">HHHHHH", 0xabcd, 0, 1, 0, 0, 0))
    assert r is not None and r[:2] == b"\xab\xcd" and r[2] & 0x80 and r[3] & 0x0f == 1
    # Question cut short.
    q = dns_query("www.example.test", qid=0x1111)
    r = udp_exchange(HOST, port, q[:-3])
    assert r[:2] == b"\x11\x11" and r[3] & 0x0f == 1
    # Two questions.
    r = udp_exchange(HOST, port, struct.pack(">HHHHHH", 0x2222, 0, 2, 0, 0, 0) + q[12:] + q[12:])
    assert r[:2] == b"\x22\x22" and r[3] & 0x0f == 1
    # A compression-pointer loop in the question name.
    r = udp_exchange(HOST, port, struct.pack(">HHHHHH", 0x3333, 0, 1, 0, 0, 0) + b"\xc0\x0c\x00\x01\x00\x01")
    assert r[:2] == b"\x33\x33" and r[3] & 0x0f == 1
    # A label over 63 octets.
    r = udp_exchange(HOST, port, struct.pack(">HHHHHH", 0x4444, 0, 1, 0, 0, 0) + b"\x40" + b"a" * 64 + b"\x00\x00\x01\x00\x01")
    assert r[:2] == b"\x44\x44" and r[3] & 0x0f == 1
    # Random garbage: whatever comes back is at most a FORMERR; the server keeps answering.
    rng = random.Random(7)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _ in range(500):
            s.sendto(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))), (HOST, port))
    assert answered(port)
    assert proc.proc.poll() is None


def test_tcp_framing_errors(auth):
    port, proc, _ = auth
    with socket.create_connection((HOST, port), timeout=3) as s:
        s.sendall(b"\x00\x00")  # a zero-length message: the stream is out of step, close
        assert s.recv(100) == b""
    with socket.create_connection((HOST, port), timeout=3) as s:
        s.sendall(b"\x00\x05hello")
        assert s.recv(100) == b""
    with socket.create_connection((HOST, port), timeout=3) as s:
        q = dns_query("www.example.test", qid=9)
        s.sendall(struct.pack(">H", len(q)) + q[:5])  # half a query, then the rest
        time.sleep(0.1)
        s.sendall(q[5:])
        head = s.recv(2)
        assert len(head) == 2
    assert answered(port)


def test_sighup_reload(auth):
    port, proc, zone = auth
    assert not answered(port, "new.example.test")
    with open(zone) as f:
        text = f.read()
    with open(zone + ".tmp", "w") as f:
        f.write(text.replace("2024010101", "2024010102") + "new IN A 192.0.2.200\n")
    os.rename(zone + ".tmp", zone)
    proc.proc.send_signal(signal.SIGHUP)
    proc.wait_output("reloaded 1 zone")
    assert answered(port, "new.example.test")

    # A broken zone: the old one stays, and the log names file:line.
    with open(zone, "a") as f:
        f.write("broken IN A 999.1.1.1\n")
    proc.proc.send_signal(signal.SIGHUP)
    line = proc.wait_output("reload failed")
    assert f"{zone}:" in line
    assert answered(port, "new.example.test") and answered(port)


def test_reload_does_not_drop_queries(auth):
    port, proc, zone = auth
    lost = 0
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.0)
        for i in range(300):
            if i % 50 == 0:
                proc.proc.send_signal(signal.SIGHUP)
            s.sendto(dns_query("www.example.test", qid=i), (HOST, port))
            try:
                r = s.recv(4096)
                lost += r[:2] != struct.pack(">H", i)
            except socket.timeout:
                lost += 1
    assert lost == 0


def test_rrl_with_slip(layer7, tmp_path):
    port = free_port()
    zone = write_test_zone(str(tmp_path))
    layer7("dns", "serve", "--zone", zone, "--listen", f"{HOST}:{port}", "--rrl", "5", "--rrl-slip", "2")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        for i in range(40):
            s.sendto(dns_query("www.example.test", qid=i), (HOST, port))
        replies = []
        try:
            while True:
                replies.append(s.recv(4096))
        except socket.timeout:
            pass
    full = [r for r in replies if not r[2] & 0x02]
    truncated = [r for r in replies if r[2] & 0x02]
    assert 5 <= len(full) <= 7, (len(full), len(truncated))
    assert 10 <= len(truncated) <= 20  # every second dropped reply slips out with TC=1
    assert len(replies) < 40
    # Over TCP the limit does not apply: a client told to retry gets its answer.
    r = run(["dig", f"@{HOST}", "-p", str(port), "+tcp", "+time=2", "+tries=1", "www.example.test"])
    assert "192.0.2.80" in r.stdout
