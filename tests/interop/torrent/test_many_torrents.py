"""Several torrents in one layer7 process, on one listening port (the swarm host): aria2c downloads
two torrents from one `layer7 torrent seed A B`; `layer7 torrent get A B` downloads two at once from
aria2c seeds and exits 0 once both are complete; a connection for a torrent the host does not have is
dropped, under MSE and plain, while the others go on; and a magnet's metadata is fetched over MSE
with --encryption require, from aria2c and from a layer7 seed. Loopback, peers found only through
`layer7 tracker serve`."""
import filecmp
import os
import re
import socket
import subprocess
import urllib.parse

from conftest import free_port, layer7_bin
from torrent_support import Aria2, aria2_download, http_get, make_torrent, need, read_to_end, scrape, start_tracker, wait_until

PIECE = 256 * 1024
ARIA2_RC4 = ["--bt-require-crypto=true", "--bt-min-crypto-level=arc4"]


def two_torrents(layer7, tmp_path):
    """A tracker, and two files of different sizes in seed/, each with its torrent."""
    tracker, port = start_tracker(layer7)
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    torrents = []
    for name, size in (("alpha.bin", 3 * PIECE + 777), ("beta.bin", 2 * PIECE + 4321)):
        data = seed_dir / name
        data.write_bytes(os.urandom(size))
        torrent, info_hash = make_torrent(tmp_path, data, f"http://127.0.0.1:{port}/announce")
        torrents.append((data, torrent, info_hash))
    return port, seed_dir, torrents


def start_seed(layer7, torrents, seed_dir, *extra):
    """`layer7 torrent seed` of every torrent; the one port they all say they are on."""
    seed = layer7("--trace", "torrent", "seed", *[str(t) for t in torrents], "--dir", str(seed_dir), "-q", *extra,
                  ready="seeding")
    for t in torrents:
        seed.wait_output(f"seeding {t.name.removesuffix('.torrent')} (")
    ports = {int(m.group(1)) for line in seed.err_lines if (m := re.search(r"seeding .* on port (\d+)", line))}
    assert len(ports) == 1, seed.err_lines
    return seed, ports.pop()


def test_aria2_downloads_two_torrents_from_one_layer7_seed(layer7, tmp_path):
    need("aria2c")
    port, seed_dir, torrents = two_torrents(layer7, tmp_path)
    seed, _ = start_seed(layer7, [t for _, t, _ in torrents], seed_dir)
    for _, _, info_hash in torrents:
        wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 30, "our seed's announce")
    # -Z: each .torrent its own download, run side by side.
    leech_dir = aria2_download(tmp_path, [t for _, t, _ in torrents], "-Z", timeout=120)
    for data, _, _ in torrents:
        assert filecmp.cmp(data, leech_dir / data.name, shallow=False), data.name
    # Both were served: each torrent's handshake came in on the one port.
    for _, _, info_hash in torrents:
        seed.wait_output(f"handshake {info_hash} peer", deadline=5)


def test_layer7_gets_two_torrents_at_once_from_aria2_seeds(layer7, tmp_path):
    need("aria2c")
    port, seed_dir, torrents = two_torrents(layer7, tmp_path)
    seeds = [Aria2([f"--dir={seed_dir}", f"--listen-port={free_port()}", "--check-integrity=true",
                    "--seed-ratio=0.0", "--bt-seed-unverified=false", str(t)], tmp_path / f"seed{i}.log")
             for i, (_, t, _) in enumerate(torrents)]
    try:
        for _, _, info_hash in torrents:
            wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 60, "the aria2 seeds' announces")
        r = subprocess.run([layer7_bin(), "torrent", "get", *[str(t) for _, t, _ in torrents],
                            "--dir", str(tmp_path / "leech"), "-q"], capture_output=True, text=True, timeout=120)
    finally:
        for s in seeds:
            s.stop()
    assert r.returncode == 0, r.stderr[-3000:]
    ports = set(re.findall(r"downloading \S+ \([0-9a-f]{40}\) on port (\d+)", r.stderr))
    assert len(ports) == 1, r.stderr  # both torrents on one port
    for data, _, _ in torrents:
        assert f"{data.name} complete:" in r.stderr, r.stderr[-3000:]
        assert filecmp.cmp(data, tmp_path / "leech" / data.name, shallow=False), data.name


def announce(tracker_port, info_hash, peer_port):
    """Tells the tracker that a seed of `info_hash` listens on `peer_port`."""
    raw = urllib.parse.quote_from_bytes(bytes.fromhex(info_hash))
    http_get(f"http://127.0.0.1:{tracker_port}/announce?info_hash={raw}&peer_id=-XX0000-elsewhere000"
             f"&port={peer_port}&uploaded=0&downloaded=0&left=0&compact=1")


def test_a_handshake_for_an_unknown_torrent_is_dropped_and_the_others_go_on(layer7, tmp_path):
    port, seed_dir, torrents = two_torrents(layer7, tmp_path)
    seed, seed_port = start_seed(layer7, [t for _, t, _ in torrents], seed_dir)
    # Plain: the handshake names a torrent the host does not have; it closes without a word.
    stranger = "cd" * 20
    with socket.create_connection(("127.0.0.1", seed_port), timeout=10) as s:
        s.sendall(b"\x13BitTorrent protocol" + bytes(8) + bytes.fromhex(stranger) + b"-XX0000-strangerstra")
        assert read_to_end(s) == b""
    seed.wait_output(f"wrong info-hash {stranger}: no torrent here has it")
    # MSE: our own leecher of a third torrent, told by the tracker that the seed has it, offers MSE
    # for an SKEY the host does not know, then the plain handshake, and is dropped both times.
    other = tmp_path / "other.bin"
    other.write_bytes(os.urandom(PIECE))
    other_torrent, other_hash = make_torrent(tmp_path, other, f"http://127.0.0.1:{port}/announce")
    announce(port, other_hash, seed_port)
    lost = layer7("torrent", "get", str(other_torrent), "--dir", str(tmp_path / "lost"), "-q", ready="downloading")
    seed.wait_output("MSE handshake: the peer asked for a torrent we do not serve", deadline=30)
    seed.wait_output(f"wrong info-hash {other_hash}: no torrent here has it", deadline=30)
    lost.stop()
    # The two torrents the host has are served all along.
    r = subprocess.run([layer7_bin(), "torrent", "get", *[str(t) for _, t, _ in torrents],
                        "--dir", str(tmp_path / "leech"), "-q"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    for data, _, _ in torrents:
        assert filecmp.cmp(data, tmp_path / "leech" / data.name, shallow=False), data.name


def magnet_of(info_hash, tracker_port):
    return (f"magnet:?xt=urn:btih:{info_hash}&tr="
            + urllib.parse.quote(f"http://127.0.0.1:{tracker_port}/announce", safe=""))


def get_magnet_over_rc4(info_hash, port, leech_dir):
    r = subprocess.run([layer7_bin(), "--trace", "torrent", "get", magnet_of(info_hash, port), "--dir", str(leech_dir),
                        "--encryption", "require", "-q"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "metadata complete" in r.stderr and "SHA-1 matches the info-hash" in r.stderr, r.stderr[-3000:]
    # The fetch's connection was MSE too: a ut_metadata piece came over a link that says RC4.
    fetch = r.stderr[:r.stderr.index("metadata complete")]
    assert "link: MSE RC4" in fetch and "ut_metadata data 0" in fetch, fetch[-3000:]
    assert "link: plain handshake" not in r.stderr
    return r


def test_magnet_metadata_over_mse_from_aria2(layer7, tmp_path):
    need("aria2c")
    port, seed_dir, torrents = two_torrents(layer7, tmp_path)
    data, torrent, info_hash = torrents[0]
    seed = Aria2([f"--dir={seed_dir}", f"--listen-port={free_port()}", "--check-integrity=true", "--seed-ratio=0.0",
                  "--bt-seed-unverified=false", *ARIA2_RC4, str(torrent)], tmp_path / "seed.log")
    try:
        wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 60, "the aria2 seed's announce")
        get_magnet_over_rc4(info_hash, port, tmp_path / "leech")
    finally:
        seed.stop()
    assert filecmp.cmp(data, tmp_path / "leech" / data.name, shallow=False)


def test_magnet_metadata_over_mse_from_a_layer7_seed(layer7, tmp_path):
    port, seed_dir, torrents = two_torrents(layer7, tmp_path)
    seed, _ = start_seed(layer7, [t for _, t, _ in torrents], seed_dir, "--encryption", "require")
    data, _, info_hash = torrents[1]
    wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 30, "our seed's announce")
    get_magnet_over_rc4(info_hash, port, tmp_path / "leech")
    assert filecmp.cmp(data, tmp_path / "leech" / data.name, shallow=False)
    seed.wait_output("link: MSE RC4")
