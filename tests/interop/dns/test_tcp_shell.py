"""The DNS shell over TCP, served to both handlers: pipelined queries to the resolver answered in
order on one connection (RFC 7766 §6.2.1.1), and a client that stalls inside a length prefix closed
after the idle timeout (RFC 7766 §6.2.3) by the resolver and by the authority alike.
"""
import socket
import struct
import time

import pytest

from conftest import free_port
from hierarchy import dns_query, write_test_zone

HOST = "127.0.0.1"
IDLE = 1  # seconds: [dns.limits] and [resolver.limits] idle_timeout


@pytest.fixture
def servers(layer7, tmp_path):
    """The authority for example.test and a resolver that reaches it as a stub zone, both with a
    short idle timeout; returns (authority port, resolver port)."""
    zone = write_test_zone(str(tmp_path))
    auth, resolver = free_port(), free_port()
    conf = tmp_path / "layer7.toml"
    conf.write_text(f'[runtime]\ndata = "{tmp_path / "data"}"\n'
                    f'[dns]\nlisten = "{HOST}:{auth}"\nzones = ["{zone}"]\n'
                    f'[dns.limits]\nidle_timeout = {IDLE}\n'
                    f'[resolver]\nlisten = "{HOST}:{resolver}"\nroot_hints = "{tmp_path / "no-hints"}"\n'
                    f'[resolver.limits]\nidle_timeout = {IDLE}\n'
                    f'[[resolver.stub]]\nzone = "example.test"\nservers = ["{HOST}:{auth}"]\n')
    layer7("up", "--config", str(conf))
    return auth, resolver


def read_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        assert chunk, f"closed after {len(data)} of {n} octets"
        data += chunk
    return data


def read_message(s):
    (length,) = struct.unpack(">H", read_exactly(s, 2))
    return read_exactly(s, length)


def test_resolver_answers_pipelined_queries_in_order(servers):
    _, port = servers
    first = dns_query("www.example.test", qid=101, rd=True)
    second = dns_query("mail.example.test", qid=102, rd=True)
    with socket.create_connection((HOST, port), timeout=10) as s:
        # Both in one segment: the second arrives before the first is answered.
        s.sendall(struct.pack(">H", len(first)) + first + struct.pack(">H", len(second)) + second)
        replies = [read_message(s), read_message(s)]
    for reply, qid, address in zip(replies, (101, 102), (b"\xc0\x00\x02\x50", b"\xc0\x00\x02\x19")):
        rid, flags, _, ancount = struct.unpack(">HHHH", reply[:8])
        assert rid == qid
        assert flags & 0x8000 and flags & 0x0080 and flags & 0xf == 0  # QR, RA, NOERROR
        assert ancount >= 1 and address in reply  # 192.0.2.80, 192.0.2.25


@pytest.mark.parametrize("which", ["authority", "resolver"])
def test_a_client_stalled_inside_the_length_prefix_is_closed_when_idle(servers, which):
    port = servers[0] if which == "authority" else servers[1]
    with socket.create_connection((HOST, port), timeout=10) as s:
        s.sendall(b"\x00")  # half a length prefix, then nothing
        start = time.monotonic()
        assert s.recv(100) == b""  # closed, not answered
        waited = time.monotonic() - start
    assert IDLE * 0.5 <= waited < IDLE + 5, waited
