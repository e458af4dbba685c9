"""aria2c seeds a file made by `layer7 torrent make`; a second aria2c downloads it. DHT, LPD and PEX
are off, so only our tracker (HTTP, then UDP) can introduce them; the scrape then shows the
completed download."""
import filecmp
import os
import urllib.parse
import urllib.request

import pytest

from torrent_support import Aria2, free_port, make_torrent, need, scrape, start_tracker, wait_until


@pytest.mark.parametrize("scheme", ["http", "udp"])
def test_aria2_seed_to_aria2_leech_through_our_tracker(layer7, tmp_path, scheme):
    need("aria2c")
    tracker, port = start_tracker(layer7)
    url = f"http://127.0.0.1:{port}/announce" if scheme == "http" else f"udp://127.0.0.1:{port}/announce"
    seed_dir, leech_dir = tmp_path / "seed", tmp_path / "leech"
    seed_dir.mkdir()
    leech_dir.mkdir()
    data = seed_dir / "payload.bin"
    data.write_bytes(os.urandom(3 * 256 * 1024 + 12345))  # 4 pieces, the last one short
    torrent, info_hash = make_torrent(tmp_path, data, url)

    # aria2c sends UDP tracker packets from its DHT socket, so UDP needs DHT on; with no entry point
    # and an empty routing table of its own it still knows no node, so only the tracker can help.
    def udp_dht(name):
        if scheme != "udp":
            return []
        return ["--enable-dht=true", f"--dht-listen-port={free_port()}", f"--dht-file-path={tmp_path / name}"]

    seed = Aria2([*udp_dht("seed.dht"), f"--dir={seed_dir}", f"--listen-port={free_port()}", "--check-integrity=true",
                  "--seed-ratio=0.0", "--bt-seed-unverified=false", str(torrent)], tmp_path / "seed.log")
    leech = None
    try:
        # The seed has announced (and verified its data) once the tracker counts one seeder.
        wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 30, "the seed's announce")
        leech = Aria2([*udp_dht("leech.dht"), f"--dir={leech_dir}", f"--listen-port={free_port()}", "--seed-time=0", str(torrent)],
                      tmp_path / "leech.log")
        assert leech.wait(timeout=60) == 0, (tmp_path / "leech.log").read_text()
        assert filecmp.cmp(data, leech_dir / "payload.bin", shallow=False)
        # aria2 sends event=completed, and event=stopped when it exits after seeding 0 s.
        counts = wait_until(lambda: (lambda c: c if c[b"downloaded"] >= 1 else None)(scrape(port, info_hash)),
                            20, "the completed event")
        assert counts[b"downloaded"] == 1
    finally:
        seed.stop()
        if leech:
            leech.stop()
    page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5).read().decode()
    assert info_hash in page
