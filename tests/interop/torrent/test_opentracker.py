"""opentracker (Debian's package, built in whitelist mode: WANT_ACCESSLIST_WHITE, see its README.Debian)
on loopback with a config file that whitelists only the test torrent's info-hash: a layer7 seed and a
layer7 leecher find each other through it and the download is byte-identical, and opentracker counts
our completed event; a torrent not on the whitelist is refused with opentracker's failure reason,
which layer7 reports on one line and keeps running."""
import filecmp
import os
import re
import subprocess
import urllib.parse

from conftest import Process, free_port, layer7_bin, stop_all, wait_tcp
from torrent_support import bdecode, http_get, make_torrent, need, scrape, wait_until

REFUSED = "Requested download is not authorized for use with this tracker."


def announce(port, info_hash_hex, **params):
    query = urllib.parse.urlencode({"info_hash": bytes.fromhex(info_hash_hex), "peer_id": b"-XX0001-" + b"p" * 12,
                                    "port": 6881, "uploaded": 0, "downloaded": 0, "left": 0, "compact": 1, **params})
    return bdecode(http_get(f"http://127.0.0.1:{port}/announce?{query}"))[0]


def start_opentracker(tmp_path, port, whitelist):
    """opentracker on loopback `port` (TCP for HTTP, UDP too), whitelisting `whitelist`."""
    jail = tmp_path / "opentracker"
    jail.mkdir()
    (jail / "whitelist.txt").write_text("".join(h + "\n" for h in whitelist))
    config = [f"listen.tcp_udp 127.0.0.1:{port}"]
    if os.geteuid() == 0:
        # As root it chroots to tracker.rootdir and runs as tracker.user (it refuses to stay root),
        # and reads the whitelist after the chroot: a path inside the jail, which nobody can enter.
        jail.chmod(0o755)
        (jail / "whitelist.txt").chmod(0o644)
        config += ["access.whitelist /whitelist.txt", f"tracker.rootdir {jail}", "tracker.user nobody"]
    else:
        config += [f"access.whitelist {jail / 'whitelist.txt'}"]
    (tmp_path / "opentracker.conf").write_text("\n".join(config) + "\n")
    tracker = Process(["opentracker", "-f", str(tmp_path / "opentracker.conf")], ready=None)
    wait_tcp("127.0.0.1", port)
    # A thread of its own reads the whitelist after start-up: ready once the listed hash is accepted
    # (event=stopped, so the probe leaves no peer behind).
    wait_until(lambda: b"failure reason" not in announce(port, whitelist[0], event="stopped"), 10,
               "opentracker's whitelist")
    return tracker


def test_layer7_seed_and_leecher_through_opentracker(layer7, tmp_path):
    need("opentracker")
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    data = seed_dir / "payload.bin"
    data.write_bytes(os.urandom(3 * 256 * 1024 + 12345))  # 4 pieces, the last one short
    port = free_port()
    torrent, info_hash = make_torrent(tmp_path, data, f"http://127.0.0.1:{port}/announce")
    tracker = start_opentracker(tmp_path, port, [info_hash])
    try:
        layer7("torrent", "seed", str(torrent), "--dir", str(seed_dir), "-q", ready="seeding")
        wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 20, "the seed's announce")
        leech_dir = tmp_path / "leech"
        r = subprocess.run([layer7_bin(), "torrent", "get", str(torrent), "--dir", str(leech_dir), "-q"],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr[-3000:]
        assert "tracker says" not in r.stderr, r.stderr
        assert filecmp.cmp(data, leech_dir / "payload.bin", shallow=False)
        # opentracker counted the leecher's event=completed.
        counts = wait_until(lambda: (lambda c: c if c[b"downloaded"] >= 1 else None)(scrape(port, info_hash)),
                            10, "the completed event")
        assert counts[b"downloaded"] == 1
    finally:
        stop_all([tracker])


def test_torrent_off_the_whitelist_is_refused_and_reported(layer7, tmp_path):
    need("opentracker")
    listed, unlisted = tmp_path / "listed.bin", tmp_path / "unlisted.bin"
    listed.write_bytes(os.urandom(100_000))
    unlisted.write_bytes(os.urandom(100_000))
    port = free_port()
    _, listed_hash = make_torrent(tmp_path, listed, f"http://127.0.0.1:{port}/announce")
    torrent, info_hash = make_torrent(tmp_path, unlisted, f"http://127.0.0.1:{port}/announce")
    tracker = start_opentracker(tmp_path, port, [listed_hash])
    try:
        # Both our roles: the seed's announce and the leecher's are refused, the reason said on one
        # line naming the tracker, and both keep running (another tracker might answer).
        seed = layer7("torrent", "seed", str(torrent), "--dir", str(tmp_path), "-q", ready="seeding")
        leech = layer7("torrent", "get", str(torrent), "--dir", str(tmp_path / "leech"), "-q", ready="downloading")
        for p in (seed, leech):
            line = p.wait_output("tracker says", deadline=20)
            assert re.fullmatch(rf"layer7: tracker http://127\.0\.0\.1:{port}/announce: tracker says: {re.escape(REFUSED)}",
                                line), line
            assert p.proc.poll() is None, p.output()
        # opentracker knows nothing of the torrent (no peers stored), and still serves the listed one.
        assert scrape(port, info_hash) == {b"complete": 0, b"incomplete": 0, b"downloaded": 0}
        assert b"failure reason" not in announce(port, listed_hash, event="stopped")
    finally:
        stop_all([tracker])
