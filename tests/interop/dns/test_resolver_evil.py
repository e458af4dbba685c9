"""Anti-poisoning of `layer7 dns resolve`: an "evil authoritative" (a tiny Python UDP server) is
the server of a stub zone and tries what an off-path or a rogue on-path server would: replies with
a wrong id, a wrong question, from another port, and records outside its bailiwick. The resolver
must ignore all of it and still give the honest answers. Loopback only; every wait has a deadline.
"""
import socket
import struct
import subprocess
import threading

import pytest

from conftest import free_port, layer7_bin, run

HOST = "127.0.0.1"


# ---------------------------------------------------------------- a little wire format

def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\x00"


def parse_query(data):
    """(id, qname, qtype) of a query; names are read without compression (queries have none)."""
    qid = struct.unpack(">H", data[:2])[0]
    pos, labels = 12, []
    while data[pos]:
        n = data[pos]
        labels.append(data[pos + 1:pos + 1 + n].decode())
        pos += 1 + n
    qtype = struct.unpack(">H", data[pos + 1:pos + 3])[0]
    return qid, ".".join(labels) + ".", qtype


def rr(name, rtype, rdata, ttl=300):
    types = {"A": 1, "NS": 2, "CNAME": 5}
    if rtype == "A":
        data = socket.inet_aton(rdata)
    else:
        data = encode_name(rdata)
    return encode_name(name) + struct.pack(">HHIH", types[rtype], 1, ttl, len(data)) + data


def response(qid, qname, qtype, answers=(), authority=(), additional=(), aa=True, rcode=0):
    flags = 0x8000 | (0x0400 if aa else 0) | rcode
    head = struct.pack(">HHHHHH", qid, flags, 1, len(answers), len(authority), len(additional))
    return head + encode_name(qname) + struct.pack(">HH", qtype, 1) + b"".join([*answers, *authority, *additional])


class Server(threading.Thread):
    """A UDP authoritative on 127.0.0.1:port: `handler(qid, qname, qtype)` returns the datagrams to
    send back, each either bytes or (bytes, "other-port") to send from a second socket."""

    def __init__(self, handler):
        super().__init__(daemon=True)
        self.port = free_port(socket.SOCK_DGRAM)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((HOST, self.port))
        self.other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.other.bind((HOST, 0))
        self.handler = handler
        self.queries = []
        self.start()

    def run(self):
        while True:
            try:
                data, peer = self.sock.recvfrom(65535)
            except OSError:
                return
            qid, qname, qtype = parse_query(data)
            self.queries.append((qname.lower(), qtype))
            for out in self.handler(qid, qname, qtype):
                if isinstance(out, tuple):
                    self.other.sendto(out[0], peer)
                else:
                    self.sock.sendto(out, peer)

    def close(self):
        self.sock.close()
        self.other.close()


def honest(qid, qname, qtype):
    """victim.test: www has 10.10.10.10."""
    if qname.lower() == "www.victim.test." and qtype == 1:
        return [response(qid, qname, qtype, [rr(qname, "A", "10.10.10.10")])]
    return [response(qid, qname, qtype, rcode=3)]


def evil(qid, qname, qtype):
    name = qname.lower()
    good = response(qid, qname, qtype, [rr(qname, "A", "1.2.3.4")])
    if name == "wrong-id.evil.test.":
        forged = response((qid + 1) & 0xFFFF, qname, qtype, [rr(qname, "A", "6.6.6.6")])
        return [forged, good]
    if name == "wrong-question.evil.test.":
        forged = response(qid, "www.victim.test.", qtype, [rr("www.victim.test.", "A", "6.6.6.6")])
        return [forged, good]
    if name == "other-port.evil.test.":
        forged = response(qid, qname, qtype, [rr(qname, "A", "6.6.6.6")])
        return [(forged, "other-port"), good]
    if name == "poison.evil.test.":
        # The answer, plus records for victim.test. in every section: none is evil.test's to give.
        return [response(qid, qname, qtype,
                         answers=[rr(qname, "A", "1.2.3.4"), rr("www.victim.test.", "A", "6.6.6.6")],
                         authority=[rr("victim.test.", "NS", "ns.evil.test.")],
                         additional=[rr("www.victim.test.", "A", "6.6.6.6"), rr("ns.evil.test.", "A", "6.6.6.6")])]
    if name == "cname.evil.test.":
        # A CNAME out of the zone with the target's "address" attached: the target must be asked of its own server.
        return [response(qid, qname, qtype,
                         answers=[rr(qname, "CNAME", "www.victim.test."), rr("www.victim.test.", "A", "6.6.6.6")])]
    return [response(qid, qname, qtype, rcode=3)]


@pytest.fixture
def setup(layer7):
    good, bad = Server(honest), Server(evil)
    port = free_port()
    layer7("dns", "resolve", "--listen", f"{HOST}:{port}", "--root-hints", "/nonexistent",
           "--stub", f"victim.test={HOST}:{good.port}", "--stub", f"evil.test={HOST}:{bad.port}",
           "--query-timeout-ms", "500")
    yield port, good, bad
    good.close()
    bad.close()


def dig(port, *args):
    r = run(["dig", f"@{HOST}", "-p", str(port), "+tries=1", "+time=5", "+short", *args], timeout=10)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout.split()


def test_wrong_id_wrong_question_and_wrong_port_are_ignored(setup):
    port, good, bad = setup
    assert dig(port, "wrong-id.evil.test") == ["1.2.3.4"]
    assert dig(port, "wrong-question.evil.test") == ["1.2.3.4"]
    assert dig(port, "other-port.evil.test") == ["1.2.3.4"]
    # The forged "www.victim.test 6.6.6.6" was never believed: victim.test's server is asked.
    assert dig(port, "www.victim.test") == ["10.10.10.10"]
    assert ("www.victim.test.", 1) in good.queries


def test_out_of_bailiwick_records_are_dropped(setup):
    port, good, bad = setup
    assert dig(port, "poison.evil.test") == ["1.2.3.4"]
    assert dig(port, "www.victim.test") == ["10.10.10.10"]
    assert good.queries.count(("www.victim.test.", 1)) == 1


def test_cname_out_of_zone_is_chased_at_the_targets_server(setup):
    port, good, bad = setup
    assert dig(port, "cname.evil.test") == ["www.victim.test.", "10.10.10.10"]
    assert ("www.victim.test.", 1) in good.queries


def test_unreachable_server_gives_servfail(layer7):
    port, dead = free_port(), free_port(socket.SOCK_DGRAM)
    layer7("dns", "resolve", "--listen", f"{HOST}:{port}", "--root-hints", "/nonexistent",
           "--stub", f"dead.test={HOST}:{dead}", "--query-timeout-ms", "300")
    r = run(["dig", f"@{HOST}", "-p", str(port), "+tries=1", "+time=8", "www.dead.test"], timeout=15)
    assert "status: SERVFAIL" in r.stdout, r.stdout
    # Not a stub zone and no root hints: nothing to ask, SERVFAIL at once.
    r = run(["dig", f"@{HOST}", "-p", str(port), "+tries=1", "+time=8", "www.elsewhere.test"], timeout=15)
    assert "status: SERVFAIL" in r.stdout, r.stdout
