"""The npm bittorrent-tracker's server (WebTorrent's Node.js tracker, vendored by tools/setup.sh; HTTP
announce only) between peers: a layer7 seed and a layer7 leecher, then aria2c downloading from a layer7
seed. The tracker runs in npm_tracker.mjs, which prints a JSON line for each announce it handles, so
the tests wait for the seed's announce by reading that, not by scraping (bittorrent-tracker 11.2.3's
scrape reply keys its files by the info-hash re-encoded as UTF-8)."""
import filecmp
import os
import re
import subprocess

import pytest

from conftest import NODE, Process, free_port, layer7_bin, npm_package, stop_all
from torrent_support import aria2_download, make_torrent, need

VENDOR, pytestmark = npm_package("bittorrent-tracker", 16, "bittorrent-tracker 11 needs it")
SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "npm_tracker.mjs")


@pytest.fixture
def npm_tracker():
    """Starts the tracker on a free loopback port; returns (process, announce URL)."""
    started = []

    def start():
        port = free_port()
        p = Process([NODE, SCRIPT, VENDOR, "127.0.0.1", str(port), "5"], ready='"event":"listening"')
        started.append(p)
        return p, f"http://127.0.0.1:{port}/announce"

    yield start
    for p, rc in stop_all(started):
        assert rc == 0, p.output()
    for p in started:
        assert '"event":"warning"' not in p.output(), p.output()


def seed_with_layer7(layer7, tmp_path, tracker, url):
    """A layer7 seed of a 4-piece payload, announced to the tracker; returns (torrent, payload)."""
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    data = seed_dir / "payload.bin"
    data.write_bytes(os.urandom(3 * 256 * 1024 + 12345))  # 4 pieces, the last one short
    torrent, _ = make_torrent(tmp_path, data, url)
    seed = layer7("torrent", "seed", str(torrent), "--dir", str(seed_dir), "-q", ready="seeding")
    port = re.search(r"on port (\d+)", seed.wait_output("seeding")).group(1)
    tracker.wait_output(f'"event":"start","addr":"127.0.0.1:{port}"', deadline=20)
    return torrent, data


def test_layer7_seed_and_leecher_through_npm_tracker(layer7, npm_tracker, tmp_path):
    tracker, url = npm_tracker()
    torrent, data = seed_with_layer7(layer7, tmp_path, tracker, url)
    leech_dir = tmp_path / "leech"
    r = subprocess.run([layer7_bin(), "torrent", "get", str(torrent), "--dir", str(leech_dir), "-q"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "tracker says" not in r.stderr and "tracker http" not in r.stderr, r.stderr
    assert filecmp.cmp(data, leech_dir / "payload.bin", shallow=False)
    tracker.wait_output('"event":"complete"', deadline=10)  # our event=completed reached it


def test_aria2_through_npm_tracker_to_layer7_seed(layer7, npm_tracker, tmp_path):
    need("aria2c")
    tracker, url = npm_tracker()
    torrent, data = seed_with_layer7(layer7, tmp_path, tracker, url)
    leech_dir = aria2_download(tmp_path, [torrent])
    assert filecmp.cmp(data, leech_dir / "payload.bin", shallow=False)
    # aria2c announced (how else would it have found the seed) and, exiting after 0 s of seeding,
    # sent event=stopped (it sends no event=completed then).
    assert tracker.wait_output('"event":"stop"', deadline=10)
