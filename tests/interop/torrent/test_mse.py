"""Message Stream Encryption (MSE/PE) between our peer and real ones, on loopback, introduced by
`layer7 tracker serve` or by a direct connection: aria2c and libtorrent requiring RC4, each way;
our `--encryption` modes against each other (prefer falls back to the plain handshake, require
refuses it); a TCP relay in the middle shows the seeded file's bytes never cross the wire in clear
when RC4 is on (and do when it is off, so the check can fail); garbage instead of Ya is dropped with
a reason."""
import filecmp
import os
import re
import socket
import subprocess
import threading

import pytest

from conftest import free_port, layer7_bin
from torrent_support import Aria2, LoggedProcess, aria2_download, make_torrent, need, read_to_end, scrape, start_tracker, wait_until

PIECE = 256 * 1024
ARIA2_RC4 = ["--bt-require-crypto=true", "--bt-min-crypto-level=arc4"]


def payload(tmp_path, size=3 * PIECE + 12345):
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    data = seed_dir / "payload.bin"
    data.write_bytes(os.urandom(size))
    return seed_dir, data


def start_seed(layer7, torrent, seed_dir, *extra):
    seed = layer7("--trace", "torrent", "seed", str(torrent), "--dir", str(seed_dir), "-q", *extra, ready="seeding")
    port = int(re.search(r"on port (\d+)", seed.wait_output("seeding")).group(1))
    return seed, port


def get(torrent, out_dir, *extra, timeout=90):
    return subprocess.run([layer7_bin(), "--trace", "torrent", "get", str(torrent), "--dir", str(out_dir), "-q", *extra],
                          capture_output=True, text=True, timeout=timeout)


def swarm(layer7, tmp_path):
    tracker, port = start_tracker(layer7)
    seed_dir, data = payload(tmp_path)
    torrent, info_hash = make_torrent(tmp_path, data, f"http://127.0.0.1:{port}/announce")
    return port, seed_dir, data, torrent, info_hash


def test_aria2_downloads_from_layer7_seed_over_rc4(layer7, tmp_path):
    need("aria2c")
    port, seed_dir, data, torrent, info_hash = swarm(layer7, tmp_path)
    seed, _ = start_seed(layer7, torrent, seed_dir, "--encryption", "require")
    wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 30, "our seed's announce")
    leech_dir = aria2_download(tmp_path, [torrent], *ARIA2_RC4, timeout=90)
    assert filecmp.cmp(data, leech_dir / "payload.bin", shallow=False)
    seed.wait_output("link: MSE RC4")  # aria2 dialled us: we were MSE's receiver


def test_layer7_downloads_from_aria2_seed_over_rc4(layer7, tmp_path):
    need("aria2c")
    port, seed_dir, data, torrent, info_hash = swarm(layer7, tmp_path)
    seed = Aria2([f"--dir={seed_dir}", f"--listen-port={free_port()}", "--check-integrity=true", "--seed-ratio=0.0",
                  "--bt-seed-unverified=false", *ARIA2_RC4, str(torrent)], tmp_path / "seed.log")
    try:
        wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 30, "the aria2 seed's announce")
        r = get(torrent, tmp_path / "leech", "--encryption", "require")
        assert r.returncode == 0, r.stderr[-3000:]
    finally:
        seed.stop()
    assert filecmp.cmp(data, tmp_path / "leech" / "payload.bin", shallow=False)
    assert "link: MSE RC4" in r.stderr  # we dialled aria2: we were MSE's initiator
    assert re.search(r"S: piece \d+ \d+ \(16384 bytes\)", r.stderr)


def test_prefer_falls_back_to_plain_and_require_refuses_it(layer7, tmp_path):
    port, seed_dir, data, torrent, info_hash = swarm(layer7, tmp_path)
    # A seed that speaks only the plain handshake: our MSE attempt is refused, then plain works.
    seed, _ = start_seed(layer7, torrent, seed_dir, "--encryption", "off")
    wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 30, "our seed's announce")
    r = get(torrent, tmp_path / "leech")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "trying the plain handshake" in r.stderr and "link: plain handshake" in r.stderr
    seed.wait_output("MSE refused: --encryption off")
    assert filecmp.cmp(data, tmp_path / "leech" / "payload.bin", shallow=False)


def test_require_refuses_a_plain_handshake(layer7, tmp_path):
    port, seed_dir, data, torrent, info_hash = swarm(layer7, tmp_path)
    seed, seed_port = start_seed(layer7, torrent, seed_dir, "--encryption", "require")
    hello = b"\x13BitTorrent protocol" + bytes(8) + bytes.fromhex(info_hash) + b"-XX0000-plainplain00"
    with socket.create_connection(("127.0.0.1", seed_port), timeout=10) as s:
        s.sendall(hello)
        assert read_to_end(s) == b""  # closed without a word
    seed.wait_output("plain handshake refused (--encryption require)")
    # Our prefer-mode leecher offers MSE first, and the seed selects RC4.
    r = get(torrent, tmp_path / "leech")
    assert r.returncode == 0, r.stderr[-3000:]
    assert "link: MSE RC4" in r.stderr
    assert filecmp.cmp(data, tmp_path / "leech" / "payload.bin", shallow=False)


def test_garbage_instead_of_a_public_key_is_dropped(layer7, tmp_path):
    port, seed_dir, data, torrent, info_hash = swarm(layer7, tmp_path)
    seed, seed_port = start_seed(layer7, torrent, seed_dir)
    with socket.create_connection(("127.0.0.1", seed_port), timeout=10) as s:
        s.sendall(os.urandom(96))  # a public key, as far as anyone can tell
        yb = b""
        while len(yb) < 96:  # the seed answers with Yb and PadB
            chunk = s.recv(4096)
            assert chunk, "closed before Yb"
            yb += chunk
        s.sendall(os.urandom(600))  # no HASH('req1', S) within PadA's 512 bytes
        read_to_end(s)
    seed.wait_output("MSE handshake: no synchronisation hash within 512 bytes of padding")
    with socket.create_connection(("127.0.0.1", seed_port), timeout=10) as s:
        s.sendall(bytes(96))  # Y = 0: the shared secret would be 0
        assert read_to_end(s) == b""  # no Yb for it
    seed.wait_output("MSE handshake: not a usable Diffie-Hellman public key")


class Relay:
    """A TCP relay on loopback that keeps every byte it forwards in each direction."""

    def __init__(self, target_port):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.target = target_port
        self.seen = {"up": bytearray(), "down": bytearray()}
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._accept, daemon=True)]
        self.threads[0].start()

    def _accept(self):
        self.listener.settimeout(60)
        try:
            while True:
                client, _ = self.listener.accept()
                server = socket.create_connection(("127.0.0.1", self.target), timeout=60)
                for a, b, key in ((client, server, "up"), (server, client, "down")):
                    t = threading.Thread(target=self._pump, args=(a, b, key), daemon=True)
                    t.start()
        except OSError:
            pass

    def _pump(self, src, dst, key):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                with self.lock:
                    self.seen[key] += data
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self):
        self.listener.close()


def lt_session(lt, encrypted):
    policy = lt.enc_policy.forced if encrypted else lt.enc_policy.disabled
    return lt.session({"enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
                       "listen_interfaces": f"127.0.0.1:{free_port()}", "out_enc_policy": policy,
                       "in_enc_policy": policy, "allowed_enc_level": lt.enc_level.rc4 if encrypted else lt.enc_level.both,
                       "prefer_rc4": encrypted, "alert_mask": lt.alert.category_t.all_categories})


def lt_wait(ses, handle, done, deadline, what):
    import time
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if done(handle.status()):
            return
        ses.wait_for_alert(200)
        ses.pop_alerts()
    raise TimeoutError(f"{what} not within {deadline}s: {handle.status().state} {handle.status().progress}")


@pytest.mark.parametrize("encrypted", [True, False], ids=["rc4", "plain"])
def test_the_wire_carries_no_file_bytes_in_clear(layer7, tmp_path, encrypted):
    lt = pytest.importorskip("libtorrent", reason="python3-libtorrent not installed (tools/setup.sh test)")
    # A tracker nobody answers: libtorrent knows only the relay, so every byte passes through it.
    seed_dir, data = payload(tmp_path)
    torrent, info_hash = make_torrent(tmp_path, data, f"http://127.0.0.1:{free_port()}/announce")
    seed, seed_port = start_seed(layer7, torrent, seed_dir, "--encryption", "require" if encrypted else "off")
    relay = Relay(seed_port)
    ses = lt_session(lt, encrypted)
    leech_dir = tmp_path / "leech"
    leech_dir.mkdir()
    try:
        handle = ses.add_torrent({"ti": lt.torrent_info(str(torrent)), "save_path": str(leech_dir)})
        handle.connect_peer(("127.0.0.1", relay.port))  # libtorrent dials; the relay hands it to our seed
        lt_wait(ses, handle, lambda s: s.is_seeding, 90, "libtorrent's download through the relay")
    finally:
        relay.close()
    # Seeding means every piece passed its hash; libtorrent's disk thread may still be writing them.
    wait_until(lambda: filecmp.cmp(data, leech_dir / "payload.bin", shallow=False), 10, "libtorrent's file on disk")
    content = data.read_bytes()
    with relay.lock:
        down, up = bytes(relay.seen["down"]), bytes(relay.seen["up"])
    assert len(down) > len(content)  # the whole file went down the relay
    # 32-byte samples inside 16 KiB blocks (a block boundary has a message header in between).
    samples = [content[i:i + 32] for i in range(100, len(content) - 32, 40000) if i % 16384 < 16384 - 32]
    in_clear = [s for s in samples if s in down]
    if encrypted:
        assert in_clear == [], f"{len(in_clear)} of {len(samples)} file samples in clear"
        assert b"BitTorrent protocol" not in down and b"BitTorrent protocol" not in up
        seed.wait_output("link: MSE RC4")
    else:
        assert len(in_clear) == len(samples)  # the control: the check does see bytes in clear
        assert down.startswith(b"\x13BitTorrent protocol")


def test_libtorrent_seeds_to_layer7_over_rc4(layer7, tmp_path):
    lt = pytest.importorskip("libtorrent", reason="python3-libtorrent not installed (tools/setup.sh test)")
    port, seed_dir, data, torrent, info_hash = swarm(layer7, tmp_path)
    ses = lt_session(lt, True)
    handle = ses.add_torrent({"ti": lt.torrent_info(str(torrent)), "save_path": str(seed_dir)})
    lt_wait(ses, handle, lambda s: s.is_seeding, 30, "libtorrent's check of the seed data")
    handle.force_reannounce()
    wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 30, "libtorrent's announce")
    result = {}
    leech = threading.Thread(target=lambda: result.update(r=get(torrent, tmp_path / "leech", "--encryption", "require")))
    leech.start()
    while leech.is_alive():  # libtorrent's alerts must be popped while it serves
        ses.wait_for_alert(200)
        ses.pop_alerts()
        leech.join(0.05)
    r = result["r"]
    assert r.returncode == 0, r.stderr[-3000:]
    assert "link: MSE RC4" in r.stderr
    assert filecmp.cmp(data, tmp_path / "leech" / "payload.bin", shallow=False)


class Transmission(LoggedProcess):
    """transmission-cli on its own port and config directory (DHT, LPD, PEX, uTP and port mapping
    off), requiring encryption; killed at the end of the test. It seeds once complete, so a
    download's end is its --finish script touching a file."""

    def __init__(self, tmp_path, name, torrent, directory):
        import json
        config = tmp_path / f"{name}-config"
        config.mkdir()
        (config / "settings.json").write_text(json.dumps({
            "dht-enabled": False, "lpd-enabled": False, "pex-enabled": False, "utp-enabled": False,
            "port-forwarding-enabled": False, "encryption": 2, "bind-address-ipv4": "127.0.0.1",
            "rpc-enabled": False}))
        self.finished = tmp_path / f"{name}.finished"
        script = tmp_path / f"{name}-finish.sh"
        script.write_text(f"#!/bin/sh\ntouch '{self.finished}'\n")
        script.chmod(0o755)
        super().__init__(["transmission-cli", "-er", "-M", "-g", str(config), "-p", str(free_port()),
                          "-w", str(directory), "-f", str(script), str(torrent)], tmp_path / f"{name}.log")


def test_transmission_downloads_from_layer7_seed_over_rc4(layer7, tmp_path):
    need("transmission-cli")
    port, seed_dir, data, torrent, info_hash = swarm(layer7, tmp_path)
    seed, _ = start_seed(layer7, torrent, seed_dir, "--encryption", "require")
    wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 30, "our seed's announce")
    leech_dir = tmp_path / "leech"
    leech_dir.mkdir()
    leech = Transmission(tmp_path, "leech", torrent, leech_dir)
    try:
        wait_until(lambda: leech.finished.exists() or leech.proc.poll() is not None, 90, "transmission's download")
        assert leech.finished.exists(), (tmp_path / "leech.log").read_text()[-3000:]
    finally:
        leech.stop()
    assert filecmp.cmp(data, leech_dir / "payload.bin", shallow=False)
    seed.wait_output("link: MSE RC4")


def test_layer7_downloads_from_transmission_seed_over_rc4(layer7, tmp_path):
    need("transmission-cli")
    port, seed_dir, data, torrent, info_hash = swarm(layer7, tmp_path)
    seed = Transmission(tmp_path, "seed", torrent, seed_dir)
    try:
        wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 60, "transmission's announce as a seed")
        r = get(torrent, tmp_path / "leech", "--encryption", "require")
        assert r.returncode == 0, r.stderr[-3000:]
    finally:
        seed.stop()
    assert filecmp.cmp(data, tmp_path / "leech" / "payload.bin", shallow=False)
    assert "link: MSE RC4" in r.stderr
