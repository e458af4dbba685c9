"""`layer7 dns serve` as a primary of NSD and Knot (NOTIFY, RFC 1996; IXFR from the journal, RFC
1995; TSIG on transfers, RFC 8945) and as a secondary of NSD (NOTIFY in, AXFR fallback: NSD 4.6
answers an IXFR query with the whole zone). dig checks IXFR replies directly. The `named` runs are
the reference the harness was validated against (LAYER7_REFERENCE=1)."""
import os
import re
import time

import pytest

from conftest import free_port, run
from zonekit import (HOST, L7_AXFR, L7_IXFR, L7_NOTIFY_ACK, ORIGIN, Key, Knot, Layer7Primary,
                     Layer7Secondary, NamedPrimary, NamedSecondary, answers, count_lines, nsd_primary,
                     nsd_secondary, nsupdate, poll, serial, stop_all, wait_lines, wait_serial, write_zone)

# A secondary serves the new serial this soon after nsupdate got its NOERROR (NOTIFY, then the
# IXFR). BIND → NSD/Knot takes ~0.05 s here.
NOTIFY_DEADLINE = 1.0
START_DEADLINE = 15.0  # the first AXFR after a secondary starts

# Three updates, each one IXFR: adds, an RRset delete, the delete of one RR of two.
UPDATES = [
    "update add h1.example.test. 300 A 192.0.2.201\nupdate add h1.example.test. 300 TXT \"one\"",
    "update delete old.example.test. TXT\nupdate add h2.example.test. 300 A 192.0.2.202",
    "update delete multi.example.test. A 192.0.2.10\nupdate delete gone.example.test.",
]
# What every server must answer once all three are applied.
FINAL = {("h1.example.test", "A"): ["192.0.2.201"], ("h1.example.test", "TXT"): ['"one"'],
         ("h2.example.test", "A"): ["192.0.2.202"], ("old.example.test", "TXT"): [],
         ("multi.example.test", "A"): ["192.0.2.11"], ("gone.example.test", "A"): [],
         ("gone.example.test", "TXT"): [], ("www.example.test", "A"): ["192.0.2.80"]}


@pytest.fixture(params=["layer7", pytest.param("named", marks=pytest.mark.reference)])
def primary_kind(request):
    return request.param


@pytest.fixture
def peers():
    """Peers (NSD, Knot, named) started by a test, stopped at its end."""
    started = []
    yield started
    stop_all(reversed(started))


def start_primary(kind, layer7, tmp_path, peers, key, notify=(), transfer_key=None):
    args = dict(keys=[key], keyfile=None, allow=[key.name], notify=notify, transfer_key=transfer_key)
    if kind == "layer7":
        return Layer7Primary(layer7, tmp_path, **args).start()
    p = NamedPrimary(tmp_path, **args)
    peers.append(p)
    return p.start()


def dig_out(port, *args):
    r = run(["dig", f"@{HOST}", "-p", str(port), "+time=2", "+tries=1", *args])
    return r.stdout


def records(out):
    """The record lines of dig's output (no comments), split."""
    return [l.split() for l in out.splitlines() if l and not l.startswith(";")]


@pytest.mark.parametrize("secondary_kind,tsig", [("nsd", False), ("knot", False), ("nsd", True), ("knot", True)],
                         ids=["nsd", "knot", "nsd-tsig", "knot-tsig"])
def test_secondary_follows_by_ixfr(primary_kind, secondary_kind, tsig, layer7, tmp_path, peers):
    k1 = Key("k1")
    sport = free_port()
    p = start_primary(primary_kind, layer7, tmp_path, peers, k1, notify=[sport],
                      transfer_key=k1.name if tsig else None)
    sec = (nsd_secondary(tmp_path, p.port, key=k1 if tsig else None, port=sport) if secondary_kind == "nsd"
           else Knot(tmp_path, p.port, key=k1 if tsig else None, port=sport))
    peers.append(sec)
    sec.start()
    wait_serial(sport, 1, START_DEADLINE)

    late = []
    for i, body in enumerate(UPDATES):
        r = nsupdate(p.port, body, key=k1)
        assert r.returncode == 0, r.stdout + r.stderr
        t0 = time.monotonic()
        try:
            wait_serial(sport, 2 + i, NOTIFY_DEADLINE)
        except TimeoutError:  # record it, and see whether it comes at all (SOA refresh is 3600 s)
            wait_serial(sport, 2 + i, 10)
            late.append((2 + i, round(time.monotonic() - t0, 2)))
    assert not late, f"serials served later than {NOTIFY_DEADLINE}s after the update: {late}"
    for (name, rtype), want in FINAL.items():
        assert answers(sport, name, rtype) == want, (name, rtype, sec.output()[-3000:])

    # Each of the three transfers was incremental, as the primary says...
    lines = p.wait_ixfr(3, 5)
    if p.name == "layer7":
        got = [re.search(L7_IXFR.format(zone=re.escape(ORIGIN)), l).groups()[:2] for l in lines]
        assert got == [("1", "2"), ("2", "3"), ("3", "4")], lines
        assert p.axfrs() == 1, p.output()  # the first transfer only
        wait_lines(p.proc, L7_NOTIFY_ACK.format(zone=re.escape(ORIGIN), port=sport), 3, 5)
    # ... and, for Knot, as the secondary says.
    if secondary_kind == "knot":
        wait_lines(sec.proc, r"\[example\.test\.\] IXFR, incoming, remote 127\.0\.0\.1@\d+, finished", 3, 5)
        assert count_lines(sec.proc, r"\[example\.test\.\] AXFR, incoming, .*finished") == 1, sec.output()
    else:  # NSD logs the TSIG key of each transfer it committed
        if tsig:
            assert "TSIG verified with key k1" in sec.log()


def test_transfers_need_the_key(primary_kind, layer7, tmp_path, peers):
    """With --transfer-key, an unsigned AXFR/IXFR is refused and a signed one works."""
    k1 = Key("k1")
    p = start_primary(primary_kind, layer7, tmp_path, peers, k1, transfer_key=k1.name)
    out = dig_out(p.port, ORIGIN, "AXFR")
    assert "Transfer failed" in out or "REFUSED" in out or "NOTAUTH" in out, out
    out = dig_out(p.port, "-y", k1.y(), ORIGIN, "AXFR")
    rrs = records(out)
    assert rrs[0][3] == "SOA" and rrs[-2][3] == "SOA" and rrs[-1][3] == "TSIG", out  # SOA … SOA, signed
    out = dig_out(p.port, "-y", Key("k1").y(), ORIGIN, "AXFR")  # wrong secret
    assert "SOA" not in "".join(r[3] for r in records(out) if len(r) > 3), out


def test_dig_ixfr(primary_kind, layer7, tmp_path, peers):
    """RFC 1995 §4: IXFR=1 after two updates is SOA(3), then per change SOA(old) deletions SOA(new)
    additions, then SOA(3); IXFR at the current serial is the SOA alone."""
    k1 = Key("k1")
    p = start_primary(primary_kind, layer7, tmp_path, peers, k1)
    for body in UPDATES[:2]:
        assert nsupdate(p.port, body, key=k1).returncode == 0
    out = dig_out(p.port, "+tcp", ORIGIN, "IXFR=1")
    rrs = records(out)
    soas = [int(r[6]) for r in rrs if r[3] == "SOA"]
    assert soas == [3, 1, 2, 2, 3, 3], out
    body = [(r[0], r[3], " ".join(r[4:])) for r in rrs if r[3] != "SOA"]
    # 1 → 2: nothing deleted, h1 A and TXT added; 2 → 3: old TXT deleted, h2 A added.
    assert sorted(body[:2]) == [("h1.example.test.", "A", "192.0.2.201"), ("h1.example.test.", "TXT", '"one"')], out
    assert body[2:] == [("old.example.test.", "TXT", '"to be deleted"'), ("h2.example.test.", "A", "192.0.2.202")], out
    out = dig_out(p.port, "+tcp", ORIGIN, "IXFR=3")
    assert [r[3] for r in records(out)] == ["SOA"] and records(out)[0][6] == "3", out


@pytest.fixture(params=["layer7", pytest.param("named", marks=pytest.mark.reference)])
def secondary_kind(request):
    return request.param


@pytest.mark.parametrize("tsig", [False, True], ids=["nokey", "tsig"])
def test_secondary_of_nsd(secondary_kind, tsig, layer7, tmp_path, peers):
    """NSD primary, NOTIFY to us on reload (SIGHUP); NSD 4.6 has no IXFR out, so each transfer is
    (or falls back to) a full zone. The zone survives a restart of the secondary with NSD gone."""
    k1 = Key("k1") if tsig else None
    sport = free_port()
    nsd = nsd_primary(tmp_path, sport, key=k1)
    peers.append(nsd)
    nsd.start()
    wait_serial(nsd.port, 1, 10)
    if secondary_kind == "layer7":
        sec = Layer7Secondary(layer7, tmp_path, nsd.port, key=k1, port=sport)
    else:
        sec = NamedSecondary(tmp_path, nsd.port, key=k1, port=sport)
        peers.append(sec)
    sec.start()
    wait_serial(sport, 1, START_DEADLINE)
    zone_file = os.path.join(nsd.dir, "example.test.zone")
    for s in (2, 3):
        write_zone(zone_file, serial=s, extra=f"v{s} IN A 192.0.2.{s}\n")
        later = time.time() + s  # a new mtime even within the same second
        os.utime(zone_file, (later, later))
        nsd.reload()
        wait_serial(nsd.port, s, 10)
        wait_serial(sport, s, 5)
        assert answers(sport, f"v{s}.example.test", "A") == [f"192.0.2.{s}"]
    transfers = sec.wait_transfers(3, 5, nsd.port)
    assert [t[0] for t in transfers] == [1, 2, 3], transfers
    assert all(kind == "AXFR" for _, kind in transfers), transfers
    poll(lambda: os.path.exists(sec.zone_file) and "v3" in open(sec.zone_file).read(), 5,
         what="secondary's zone file written")

    nsd.stop()
    sec.stop()
    sec.start()
    assert serial(sport) == 3 and answers(sport, "v3.example.test", "A") == ["192.0.2.3"]
