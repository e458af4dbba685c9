"""DNS UPDATE (RFC 2136) signed with TSIG (RFC 8945) against `layer7 dns serve`, driven by nsupdate
and dnspython: adds and deletes, prerequisites, refusals (no key, wrong secret, a signature an hour
old, a name outside the zone, a zone without --allow-update), the journal across a restart and a
SIGKILL, and the zone file written back. The `named` runs are the reference the harness was
validated against (LAYER7_REFERENCE=1)."""
import os
import re
import socket
import time

import pytest

from zonekit import (HOST, L7_UPDATE, L7_UPDATE_REFUSED, ORIGIN, Key, Layer7Primary, NamedPrimary,
                     answers, count_lines, nsupdate, poll, serial, tsig_keygen, wait_lines, wait_serial)

dns = pytest.importorskip("dns.update", reason="python3-dnspython missing (tools/setup.sh test)")
import dns.message  # noqa: E402
import dns.rcode  # noqa: E402
import dns.tsig  # noqa: E402

# nsupdate's last line when the server says no ("update failed: RCODE" or "RCODE(TSIG ERROR)").
FAILED = re.compile(r"update failed: (\w+)(?:\((\w+)\))?")


@pytest.fixture(params=["layer7", pytest.param("named", marks=pytest.mark.reference)])
def primary(request, layer7, tmp_path):
    """The primary of example.test. (UPDATE allowed for k1, k2 from a key file, and k3, an
    hmac-sha512 key) and static.test. (no UPDATE). Attributes k1, k2, k3, k2_file."""
    k1, k3 = Key("k1"), Key("k3", "hmac-sha512")
    k2_file = str(tmp_path / "k2.key")
    k2 = tsig_keygen("k2", k2_file)
    args = dict(keys=[k1, k3], keyfile=k2_file, allow=["k1", "k2", "k3"])
    p = (Layer7Primary(layer7, tmp_path, **args) if request.param == "layer7"
         else NamedPrimary(tmp_path, **args)).start()
    p.k1, p.k2, p.k3, p.k2_file = k1, k2, k3, k2_file
    yield p
    if p.proc.proc.poll() is None:
        p.stop()


def ok(r):
    assert r.returncode == 0 and "failed" not in r.stdout + r.stderr, r.stdout + r.stderr


def failed(r):
    """(rcode, tsig error or None) from a refused nsupdate."""
    m = FAILED.search(r.stdout + r.stderr)
    assert r.returncode != 0 and m, f"rc={r.returncode}: {r.stdout}{r.stderr}"
    return m.group(1), m.group(2)


def logged_update(p, key, old, new):
    """layer7 logs each applied update with the serial change (named's log has no serial)."""
    if p.name == "layer7":
        pattern = L7_UPDATE.format(zone=re.escape(ORIGIN), key=re.escape(key))
        lines = wait_lines(p.proc, pattern, 1, 5)
        assert any(re.search(pattern, l).groups() == (str(old), str(new)) for l in lines), lines


def test_add_then_delete(primary):
    p = primary
    assert serial(p.port) == 1
    # No `zone` line: nsupdate finds the zone with an SOA query first.
    ok(nsupdate(p.port, """
update add host1.example.test. 300 A 192.0.2.101
update add host1.example.test. 300 TXT "added by nsupdate"
""", key=p.k1, zone=None))
    assert answers(p.port, "host1.example.test", "A") == ["192.0.2.101"]
    assert answers(p.port, "host1.example.test", "TXT") == ['"added by nsupdate"']
    assert serial(p.port) == 2
    logged_update(p, "k1", 1, 2)

    ok(nsupdate(p.port, """
update delete old.example.test. TXT
update delete gone.example.test.
update delete multi.example.test. A 192.0.2.10
""", key=p.k1))
    assert answers(p.port, "old.example.test", "TXT") == []  # an RRset delete
    assert answers(p.port, "gone.example.test", "A") == [] and answers(p.port, "gone.example.test", "TXT") == []
    assert answers(p.port, "multi.example.test", "A") == ["192.0.2.11"]  # one RR of two
    assert answers(p.port, "www.example.test", "A") == ["192.0.2.80"]  # untouched
    assert serial(p.port) == 3
    logged_update(p, "k1", 2, 3)


def test_key_file_and_sha512_and_tcp(primary):
    p = primary
    ok(nsupdate(p.port, "update add kf.example.test. 300 A 192.0.2.102", keyfile=p.k2_file))
    assert answers(p.port, "kf.example.test", "A") == ["192.0.2.102"]
    ok(nsupdate(p.port, "update add sha512.example.test. 300 A 192.0.2.103", key=p.k3))
    ok(nsupdate(p.port, "update add tcp.example.test. 300 A 192.0.2.104", key=p.k1, tcp=True))
    assert answers(p.port, "sha512.example.test", "A") == ["192.0.2.103"]
    assert answers(p.port, "tcp.example.test", "A") == ["192.0.2.104"]
    assert serial(p.port) == 4
    logged_update(p, "k2", 1, 2)


def test_adding_an_existing_record_changes_nothing(primary):
    p = primary
    ok(nsupdate(p.port, "update add www.example.test. 300 A 192.0.2.80", key=p.k1))
    assert serial(p.port) == 1  # RFC 2136 §3.4.2.2: a duplicate RR is ignored; no change, no new serial


@pytest.mark.parametrize("prereq,rcode", [
    ("prereq yxrrset nosuch.example.test. A", "NXRRSET"),   # RRset must exist
    ("prereq nxrrset www.example.test. A", "YXRRSET"),      # RRset must not exist
    ("prereq nxdomain www.example.test.", "YXDOMAIN"),      # name must not be in use
    ("prereq yxdomain nosuch.example.test.", "NXDOMAIN"),   # name must be in use
    ("prereq yxrrset www.example.test. A 192.0.2.99", "NXRRSET"),  # value-dependent
])
def test_failed_prerequisite(primary, prereq, rcode):
    p = primary
    r = nsupdate(p.port, f"{prereq}\nupdate add pre.example.test. 300 A 192.0.2.105", key=p.k1)
    assert failed(r) == (rcode, None)
    assert answers(p.port, "pre.example.test", "A") == [] and serial(p.port) == 1


def test_satisfied_prerequisite(primary):
    p = primary
    ok(nsupdate(p.port, """
prereq yxrrset www.example.test. A 192.0.2.80
prereq nxdomain fresh.example.test.
update add fresh.example.test. 300 A 192.0.2.106
""", key=p.k1))
    assert answers(p.port, "fresh.example.test", "A") == ["192.0.2.106"]


def test_unsigned_update_refused(primary):
    p = primary
    rcode, _ = failed(nsupdate(p.port, "update add nokey.example.test. 300 A 192.0.2.107"))
    assert rcode in ("REFUSED", "NOTAUTH")
    assert answers(p.port, "nokey.example.test", "A") == [] and serial(p.port) == 1
    if p.name == "layer7":
        wait_lines(p.proc, L7_UPDATE_REFUSED, 1, 5)


def test_wrong_secret_is_badsig(primary):
    p = primary
    r = nsupdate(p.port, "update add badsig.example.test. 300 A 192.0.2.108", key=Key("k1"))
    assert failed(r) == ("NOTAUTH", "BADSIG")
    assert "TSIG error with server" in r.stderr  # nsupdate's first line: the reply is unsigned
    assert answers(p.port, "badsig.example.test", "A") == [] and serial(p.port) == 1


def test_unknown_key_is_badkey(primary):
    p = primary
    r = nsupdate(p.port, "update add badkey.example.test. 300 A 192.0.2.109", key=Key("nosuchkey"))
    assert failed(r) == ("NOTAUTH", "BADKEY")
    assert serial(p.port) == 1


def test_hour_old_signature_is_badtime(primary, monkeypatch):
    """RFC 8945 §5.2.3: a time signed outside the fudge (300 s) → NOTAUTH, TSIG error BADTIME, and
    the reply is signed (dnspython checks the error before the MAC, so PeerBadTime is what it says)."""
    p = primary
    m = dns.update.UpdateMessage(ORIGIN)
    m.add("late.example.test.", 300, "A", "192.0.2.110")
    m.use_tsig(p.k1.keyring(), keyname=p.k1.name, algorithm=p.k1.algorithm)

    class HourAgo:
        @staticmethod
        def time():
            return time.time() - 3600
    monkeypatch.setattr(dns.message, "time", HourAgo)
    wire = m.to_wire()
    monkeypatch.undo()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        s.sendto(wire, (HOST, p.port))
        reply = s.recv(65535)
    assert reply[:2] == wire[:2]
    assert reply[3] & 0x0F == dns.rcode.NOTAUTH
    with pytest.raises(dns.tsig.PeerBadTime):
        dns.message.from_wire(reply, keyring=p.k1.keyring(), request_mac=m.mac)
    assert answers(p.port, "late.example.test", "A") == [] and serial(p.port) == 1


def test_name_outside_the_zone_is_notzone(primary):
    p = primary
    r = nsupdate(p.port, "update add www.elsewhere.test. 300 A 192.0.2.111", key=p.k1)
    assert failed(r) == ("NOTZONE", None)
    assert serial(p.port) == 1


def test_zone_without_allow_update_refused(primary):
    p = primary
    r = nsupdate(p.port, "update add new.static.test. 300 A 192.0.2.112", key=p.k1, zone="static.test.")
    assert failed(r) == ("REFUSED", None)
    assert answers(p.port, "new.static.test", "A") == []


def test_updates_survive_restart(primary):
    p = primary
    ok(nsupdate(p.port, "update add keep.example.test. 300 A 192.0.2.113", key=p.k1))
    ok(nsupdate(p.port, "update delete www.example.test. A", key=p.k1))
    assert serial(p.port) == 3
    assert os.path.exists(p.zone_file + ".jnl")  # the journal, beside the zone file
    p.stop()
    p.start()
    assert serial(p.port) == 3
    assert answers(p.port, "keep.example.test", "A") == ["192.0.2.113"]
    assert answers(p.port, "www.example.test", "A") == []
    ok(nsupdate(p.port, "update add after.example.test. 300 A 192.0.2.114", key=p.k1))
    assert serial(p.port) == 4


def test_update_durable_before_the_answer(primary):
    """NOERROR only once the change is in the journal: SIGKILL right after the answer loses nothing."""
    p = primary
    for i in range(3):
        ok(nsupdate(p.port, f"update add k{i}.example.test. 300 A 192.0.2.{120 + i}", key=p.k1))
    p.proc.proc.kill()
    p.proc.proc.wait(10)
    p.start()
    assert serial(p.port) == 4
    assert [answers(p.port, f"k{i}.example.test", "A") for i in range(3)] == [
        ["192.0.2.120"], ["192.0.2.121"], ["192.0.2.122"]]


def test_zone_file_rewritten(primary):
    p = primary
    ok(nsupdate(p.port, """
update add written.example.test. 300 A 192.0.2.115
update delete old.example.test. TXT
""", key=p.k1))
    p.flush()

    def rewritten():
        with open(p.zone_file) as f:
            text = f.read()
        return "written" in text and "192.0.2.115" in text and "to be deleted" not in text and text
    text = poll(rewritten, 5, interval=0.1, what="zone file rewritten")
    # The rewritten file carries the new serial (whatever the layout of the SOA).
    assert re.search(r"SOA\s+\S+\s+\S+\s+\(?\s*2\b", text), text
