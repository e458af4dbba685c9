"""`layer7 dns serve` against dig, kdig and drill: answers, referrals, negative answers, wildcards,
truncation and TCP retry, EDNS sizes, REFUSED, AXFR policy, TCP keep-open and pipelining."""
import re
import shutil
import socket
import struct

import pytest

from conftest import free_port, run
from hierarchy import dns_query, write_test_zone

HOST = "127.0.0.1"


@pytest.fixture
def auth(layer7, tmp_path):
    """example.test. on a free port, AXFR allowed from 127.0.0.1."""
    port = free_port()
    zone = write_test_zone(str(tmp_path))
    proc = layer7("dns", "serve", "--threads", "2", "--zone", zone, "--listen", f"{HOST}:{port}",
                  "--axfr-allow", "127.0.0.1")
    return port, proc, zone


def dig(port, *args):
    r = run(["dig", f"@{HOST}", "-p", str(port), "+time=2", "+tries=1", *args])
    assert r.returncode == 0, r.stderr + r.stdout
    return r.stdout


def section(out, name):
    """The record lines of one section of dig's output."""
    m = re.search(rf";; {name} SECTION:\n(.*?)(?:\n\n|\Z)", out, re.S)
    return [l.split() for l in m.group(1).splitlines()] if m else []


def status(out):
    return re.search(r"status: (\w+)", out).group(1)


def flags(out):
    return re.search(r";; flags: ([a-z ]*);", out).group(1).split()


def test_a_aaaa_mx_ns(auth):
    port, _, _ = auth
    out = dig(port, "www.example.test", "A", "+norec")
    assert status(out) == "NOERROR" and "aa" in flags(out) and "rd" not in flags(out)
    assert section(out, "ANSWER") == [["www.example.test.", "3600", "IN", "A", "192.0.2.80"]]
    out = dig(port, "www.example.test", "AAAA")
    assert section(out, "ANSWER")[0][4] == "2001:db8::80"
    out = dig(port, "example.test", "MX")
    assert section(out, "ANSWER") == [["example.test.", "3600", "IN", "MX", "10", "mail.example.test."]]
    additional = {(r[0], r[3]) for r in section(out, "ADDITIONAL")}
    assert ("mail.example.test.", "A") in additional and ("mail.example.test.", "AAAA") in additional
    out = dig(port, "example.test", "NS")
    assert sorted(r[4] for r in section(out, "ANSWER")) == ["ns1.example.test.", "ns2.example.test."]


def test_cname_chain(auth):
    port, _, _ = auth
    out = dig(port, "alias.example.test", "A")
    answer = section(out, "ANSWER")
    assert [(r[0], r[3], r[4]) for r in answer] == [
        ("alias.example.test.", "CNAME", "ftp.example.test."),
        ("ftp.example.test.", "CNAME", "www.example.test."),
        ("www.example.test.", "A", "192.0.2.80")]


def test_nxdomain_and_nodata_carry_soa(auth):
    port, _, _ = auth
    out = dig(port, "nothing.example.test", "A")
    assert status(out) == "NXDOMAIN" and "aa" in flags(out)
    soa = section(out, "AUTHORITY")
    assert soa[0][3] == "SOA" and soa[0][1] == "300"  # min(TTL, MINIMUM), RFC 2308 §3
    out = dig(port, "www.example.test", "MX")
    assert status(out) == "NOERROR" and section(out, "ANSWER") == []
    assert section(out, "AUTHORITY")[0][3] == "SOA"


def test_wildcard(auth):
    port, _, _ = auth
    out = dig(port, "anything.dyn.example.test", "A")
    assert section(out, "ANSWER") == [["anything.dyn.example.test.", "3600", "IN", "A", "192.0.2.99"]]


def test_referral_with_glue(auth):
    port, _, _ = auth
    out = dig(port, "host.sub.example.test", "A", "+norec")
    assert status(out) == "NOERROR" and "aa" not in flags(out)
    assert section(out, "ANSWER") == []
    assert section(out, "AUTHORITY") == [["sub.example.test.", "3600", "IN", "NS", "ns.sub.example.test."]]
    assert section(out, "ADDITIONAL") == [["ns.sub.example.test.", "3600", "IN", "A", "192.0.2.153"]]


def test_any_is_minimal(auth):
    port, _, _ = auth
    out = dig(port, "www.example.test", "ANY")
    types = {r[3] for r in section(out, "ANSWER")}
    assert len(types) == 1, out  # RFC 8482: one RRset, not everything


def test_tc_over_udp_then_tcp(auth):
    port, _, _ = auth
    out = dig(port, "big.example.test", "TXT", "+ignore", "+noedns")
    assert "tc" in flags(out)
    out = dig(port, "big.example.test", "TXT")  # dig retries over TCP by itself
    assert "Truncated, retrying in TCP mode" in out
    assert len(section(out, "ANSWER")) == 30
    assert "(TCP)" in out
    out = dig(port, "big.example.test", "TXT", "+tcp")
    assert len(section(out, "ANSWER")) == 30


def test_edns_bufsize(auth):
    port, _, _ = auth
    small = dig(port, "medium.example.test", "TXT", "+ignore", "+bufsize=512")
    assert "tc" in flags(small)
    large = dig(port, "medium.example.test", "TXT", "+ignore", "+bufsize=4096")
    assert "tc" not in flags(large) and len(section(large, "ANSWER")) == 7
    assert re.search(r"; EDNS: version: 0, flags:; udp: \d+", large)


def test_refused_for_other_zones(auth):
    port, _, _ = auth
    out = dig(port, "www.crepes.fr", "A")
    assert status(out) == "REFUSED" and section(out, "ANSWER") == []


def test_axfr_allowed(auth):
    port, _, zone = auth
    out = dig(port, "example.test", "AXFR")
    lines = [l.split() for l in out.splitlines() if l and not l.startswith(";")]
    assert lines[0][3] == "SOA" and lines[-1][3] == "SOA"
    assert len(lines) == 17 + 30 + 7 + 1  # every record, SOA twice
    assert "XFR size" in out


def test_axfr_refused(layer7, tmp_path):
    port = free_port()
    zone = write_test_zone(str(tmp_path))
    layer7("dns", "serve", "--zone", zone, "--listen", f"{HOST}:{port}", "--axfr-allow", "192.0.2.1")
    r = run(["dig", f"@{HOST}", "-p", str(port), "+time=2", "+tries=1", "example.test", "AXFR"])
    assert "Transfer failed" in r.stdout, r.stdout
    r = run(["kdig", f"@{HOST}", "-p", str(port), "example.test", "AXFR"])
    assert "REFUSED" in r.stdout + r.stderr


def test_ixfr_from_an_older_serial_is_a_full_transfer(auth):
    port, _, _ = auth
    # dig IXFR=N sends our SOA serial N in the authority section, over TCP (RFC 1995 §3)
    out = dig(port, "example.test", "IXFR=2024010100")
    assert "Transfer failed" not in out, out
    lines = [l.split() for l in out.splitlines() if l and not l.startswith(";")]
    assert lines[0][3] == "SOA" and lines[-1][3] == "SOA"
    assert len(lines) == 17 + 30 + 7 + 1  # the whole zone, AXFR-style (RFC 1995 §4)


def test_ixfr_from_the_current_serial_is_our_soa_alone(auth):
    port, _, _ = auth
    out = dig(port, "example.test", "IXFR=2024010101")
    lines = [l.split() for l in out.splitlines() if l and not l.startswith(";")]
    assert len(lines) == 1 and lines[0][3] == "SOA" and lines[0][6] == "2024010101", out


@pytest.mark.skipif(not shutil.which("kdig"), reason="kdig not installed")
def test_kdig_ixfr(auth):
    port, _, _ = auth
    r = run(["kdig", f"@{HOST}", "-p", str(port), "+timeout=2", "+retry=0", "example.test", "IXFR=1"])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "NOTIMP" not in r.stdout and r.stdout.count("\tSOA\t") == 2, r.stdout


def test_other_opcodes_get_notimp_without_rd(auth):
    port, _, _ = auth
    from hierarchy import udp_exchange
    query = dns_query("www.example.test", rd=True)
    for opcode in (2, 3, 15):  # STATUS, unassigned, unassigned
        for with_question in (True, False):
            q = bytearray(query if with_question else query[:12])
            q[2] = (opcode << 3) | 0x01  # RD set
            if not with_question:
                q[5] = 0
            reply = udp_exchange(HOST, port, bytes(q), timeout=2.0)
            assert reply is not None, (opcode, with_question)
            qid, bits = struct.unpack(">HH", reply[:4])
            assert qid == 0x1234 and bits & 0x8000  # QR
            assert (bits >> 11) & 0xf == opcode
            assert bits & 0xf == 4, (opcode, with_question, bits & 0xf)  # NOTIMP, not FORMERR
            assert not bits & 0x0100  # RD is QUERY's: not echoed


@pytest.mark.skipif(not shutil.which("kdig"), reason="kdig not installed")
def test_kdig_keepopen_several_queries_one_connection(layer7, tmp_path):
    port = free_port()
    zone = write_test_zone(str(tmp_path))
    proc = layer7("--trace", "dns", "serve", "--zone", zone, "--listen", f"{HOST}:{port}")
    r = run(["kdig", f"@{HOST}", "-p", str(port), "+tcp", "+keepopen",
             "www.example.test", "A", "mail.example.test", "A", "ns1.example.test", "A"])
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("status: NOERROR") == 3
    for addr in ("192.0.2.80", "192.0.2.25", "192.0.2.53"):
        assert addr in r.stdout
    proc.wait_output("A ns1.example.test.")
    assert proc.output().count("connection from") == 1, proc.output()


@pytest.mark.skipif(not shutil.which("drill"), reason="drill not installed")
def test_drill(auth):
    port, _, _ = auth
    r = run(["drill", "-p", str(port), "www.example.test", f"@{HOST}", "A"])
    assert r.returncode == 0, r.stderr
    assert "rcode: NOERROR" in r.stdout and "192.0.2.80" in r.stdout
    r = run(["drill", "-t", "-p", str(port), "big.example.test", f"@{HOST}", "TXT"])
    assert r.stdout.count("IN\tTXT") >= 30 or r.stdout.count("TXT") >= 30, r.stdout


def test_tcp_pipelining_raw(auth):
    port, _, _ = auth
    names = ["www.example.test", "mail.example.test", "nothing.example.test"]
    data = b"".join(struct.pack(">H", len(q)) + q
                    for i, n in enumerate(names) for q in [dns_query(n, qid=100 + i)])
    with socket.create_connection((HOST, port), timeout=3) as s:
        s.sendall(data)  # three queries in one segment
        buf = b""
        replies = []
        while len(replies) < 3:
            chunk = s.recv(65535)
            assert chunk, "connection closed early"
            buf += chunk
            while len(buf) >= 2 and len(buf) >= 2 + struct.unpack(">H", buf[:2])[0]:
                n = struct.unpack(">H", buf[:2])[0]
                replies.append(buf[2:2 + n])
                buf = buf[2 + n:]
    ids = [struct.unpack(">H", r[:2])[0] for r in replies]
    rcodes = [r[3] & 0x0f for r in replies]
    assert ids == [100, 101, 102] and rcodes == [0, 0, 3]
