"""Magnet links (BEP 9 ut_metadata over the BEP 10 extension protocol) with real clients on
loopback, DHT, LPD and PEX off, peers found only through `layer7 tracker serve`: `layer7 torrent
get MAGNET` fetches the info dictionary from an aria2c seed and then the data; aria2c and
python3-libtorrent fetch a magnet from `layer7 torrent seed`; a peer whose metadata fails the
SHA-1 check is dropped. The torrent has 500 files, so its metadata is 3 ut_metadata pieces, the
last one short."""
import filecmp
import os
import re
import socket
import struct
import subprocess
import threading
import time
import urllib.parse

import pytest

from conftest import free_port, layer7_bin, run
from torrent_support import Aria2, bdecode, http_get, make_torrent, need, scrape, start_tracker, wait_until

FILES = 500


def share(tmp_path):
    """A directory of one 600 KB file and FILES small ones with long names."""
    root = tmp_path / "seed" / "share"
    (root / "many").mkdir(parents=True)
    (root / "big.bin").write_bytes(os.urandom(600_000))
    for i in range(FILES):
        (root / "many" / f"file-{i:04d}-with-a-rather-long-name-to-grow-the-info.txt").write_bytes(
            f"{i}\n".encode() * (i % 7 + 1))
    return root


def info_size(torrent):
    data = torrent.read_bytes()
    start = data.index(b"4:info") + len(b"4:info")
    return len(data) - start - 1  # the info dictionary is the last key


def magnet(info_hash, tracker_port):
    return (f"magnet:?xt=urn:btih:{info_hash}&dn=share&tr="
            + urllib.parse.quote(f"http://127.0.0.1:{tracker_port}/announce", safe=""))


def same_tree(a, b):
    for dirpath, _, files in os.walk(a):
        for f in files:
            mine = os.path.join(dirpath, f)
            theirs = os.path.join(b, os.path.relpath(mine, a))
            assert filecmp.cmp(mine, theirs, shallow=False), theirs
    return True


def seeded_torrent(layer7, tmp_path):
    tracker, port = start_tracker(layer7)
    root = share(tmp_path)
    torrent, info_hash = make_torrent(tmp_path, root, f"http://127.0.0.1:{port}/announce", "--piece-size", "32K")
    assert 2 * 16384 < info_size(torrent) < 3 * 16384  # three metadata pieces
    return port, root, torrent, info_hash


def start_seed(layer7, torrent, seed_dir):
    seed = layer7("torrent", "seed", str(torrent), "--dir", str(seed_dir), "-q", "--trace", ready="seeding")
    return seed, int(re.search(r"on port (\d+)", seed.wait_output("seeding")).group(1))


def test_layer7_gets_a_magnet_from_an_aria2_seed(layer7, tmp_path):
    need("aria2c")
    port, root, torrent, info_hash = seeded_torrent(layer7, tmp_path)
    seed = Aria2([f"--dir={root.parent}", f"--listen-port={free_port()}", "--check-integrity=true",
                  "--seed-ratio=0.0", "--bt-seed-unverified=false", str(torrent)], tmp_path / "seed.log")
    try:
        wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 60, "the aria2 seed's announce")
        leech = tmp_path / "leech"
        r = subprocess.run([layer7_bin(), "--trace", "torrent", "get", magnet(info_hash, port), "--dir", str(leech),
                            "--save-metadata", "-q"], capture_output=True, text=True, timeout=90)
    finally:
        seed.stop()
    assert r.returncode == 0, r.stderr[-3000:]
    # aria2c said it serves ut_metadata and how large; we asked for the three pieces and got them.
    assert re.search(r"S: extension handshake .*ut_metadata=\d+.* metadata_size=\d+", r.stderr), r.stderr[-3000:]
    for piece in range(3):
        assert f"C: ut_metadata request {piece}" in r.stderr
        assert re.search(rf"S: ut_metadata data {piece} \(\d+ bytes of \d+\)", r.stderr)
    assert "metadata complete" in r.stderr and "SHA-1 matches the info-hash" in r.stderr
    assert same_tree(root, leech / "share")
    # Saved as aria2c --bt-save-metadata names it, and it is the same torrent.
    saved = leech / f"{info_hash}.torrent"
    info = run([layer7_bin(), "torrent", "info", str(saved)])
    assert info.returncode == 0, info.stderr
    assert f"info-hash:    {info_hash}" in info.stdout
    assert f"http://127.0.0.1:{port}/announce" in info.stdout


def test_aria2_gets_a_magnet_from_a_layer7_seed(layer7, tmp_path):
    need("aria2c")
    port, root, torrent, info_hash = seeded_torrent(layer7, tmp_path)
    seed, _ = start_seed(layer7, torrent, root.parent)
    wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 30, "our seed's announce")
    leech = tmp_path / "leech"
    leech.mkdir()
    aria = Aria2([f"--dir={leech}", f"--listen-port={free_port()}", "--seed-time=0", "--bt-save-metadata=true",
                  magnet(info_hash, port)], tmp_path / "leech.log")
    try:
        assert aria.wait(timeout=90) == 0, (tmp_path / "leech.log").read_text()[-3000:]
    finally:
        aria.stop()
    assert same_tree(root, leech / "share")
    # aria2c's copy of the metadata is the info dictionary we serve, byte for byte.
    saved = (leech / f"{info_hash}.torrent").read_bytes()
    assert bdecode(saved)[0][b"info"] == bdecode(torrent.read_bytes())[0][b"info"]
    # Our side of it: aria2c asked for each piece and we answered with data.
    seed.wait_output("ut_metadata request 2", deadline=5)
    assert any(re.search(r"extension handshake .*ut_metadata=\d+", line) for line in seed.err_lines)


def test_libtorrent_gets_a_magnet_from_a_layer7_seed(layer7, tmp_path):
    lt = pytest.importorskip("libtorrent", reason="python3-libtorrent not installed (tools/setup.sh test)")
    port, root, torrent, info_hash = seeded_torrent(layer7, tmp_path)
    seed, seed_port = start_seed(layer7, torrent, root.parent)
    leech = tmp_path / "leech"
    leech.mkdir()
    ses = lt.session({"enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
                      "listen_interfaces": f"127.0.0.1:{free_port()}", "alert_mask": lt.alert.category_t.all_categories})
    params = lt.parse_magnet_uri(magnet(info_hash, port))
    params.save_path = str(leech)
    handle = ses.add_torrent(params)
    handle.connect_peer(("127.0.0.1", seed_port))  # besides the tracker: no wait for its announce
    end = time.monotonic() + 90
    metadata_seen = False
    while time.monotonic() < end:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            metadata_seen |= isinstance(a, lt.metadata_received_alert)
        if handle.status().is_seeding:
            break
    status = handle.status()
    assert metadata_seen, "libtorrent never received the metadata"
    assert status.is_seeding, f"libtorrent at {status.progress:.2%} ({status.state})"
    # It hashes blocks before its disk thread writes them: the files are whole once a pause, which
    # waits for the disk jobs, is done.
    handle.pause()
    paused = False
    while not paused and time.monotonic() < end:
        ses.wait_for_alert(200)
        paused = any(isinstance(a, lt.torrent_paused_alert) for a in ses.pop_alerts())
    assert paused, "libtorrent did not pause"
    ses.remove_torrent(handle)
    assert same_tree(root, leech / "share")
    seed.wait_output("ut_metadata request 0", deadline=5)


class ForgingPeer:
    """A BitTorrent peer that speaks BEP 10 and BEP 9 and answers every metadata request with
    bytes of the right size that are not the info dictionary."""

    def __init__(self, info_hash, size):
        self.info_hash, self.size = bytes.fromhex(info_hash), size
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.served = threading.Event()
        self.theirs = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        self.listener.settimeout(60)
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(30)
            conn.sendall(b"\x13BitTorrent protocol" + bytes([0, 0, 0, 0, 0, 0x10, 0, 0]) + self.info_hash
                         + b"-XX0000-forgedforged")
            hello = b"d1:md11:ut_metadatai7ee13:metadata_sizei%dee" % self.size
            conn.sendall(struct.pack(">IBB", 2 + len(hello), 20, 0) + hello)
            buf = b""
            try:
                while True:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buf += chunk
                    if buf.startswith(b"\x13"):
                        if len(buf) < 68:
                            continue
                        buf = buf[68:]
                    while len(buf) >= 4 and len(buf) >= 4 + struct.unpack(">I", buf[:4])[0]:
                        n = struct.unpack(">I", buf[:4])[0]
                        body, buf = buf[4:4 + n], buf[4 + n:]
                        if n >= 2 and body[0] == 20 and body[1] == 0:  # layer7's handshake: its id for ut_metadata
                            self.theirs = int(re.search(rb"11:ut_metadatai(\d+)e", body).group(1))
                        if n >= 2 and body[0] == 20 and body[1] == 7:  # ut_metadata, as this peer numbers it
                            piece = int(re.search(rb"5:piecei(\d+)e", body).group(1))
                            data = b"x" * min(16384, self.size - piece * 16384)
                            msg = b"d8:msg_typei1e5:piecei%de10:total_sizei%dee" % (piece, self.size) + data
                            conn.sendall(struct.pack(">IBB", 2 + len(msg), 20, self.theirs) + msg)
                            self.served.set()
            except OSError:
                return

    def close(self):
        self.listener.close()


def test_metadata_that_fails_the_hash_drops_the_peer(layer7, tmp_path):
    tracker, port = start_tracker(layer7)
    info_hash = "ab" * 20
    forger = ForgingPeer(info_hash, 40000)
    try:
        # The forger announces itself as a seed of the info-hash.
        http_get(f"http://127.0.0.1:{port}/announce?info_hash={urllib.parse.quote_from_bytes(bytes.fromhex(info_hash))}"
                 f"&peer_id=-XX0000-forgedforged&port={forger.port}&uploaded=0&downloaded=0&left=0&compact=1")
        # The forger speaks only the plain handshake and answers one connection: no MSE attempt first.
        get = layer7("torrent", "get", magnet(info_hash, port), "--dir", str(tmp_path / "leech"), "-q",
                     "--encryption", "off", ready="fetching the metadata")
        line = get.wait_output("fails its SHA-1 check", deadline=30)
        assert "dropping peer 127.0.0.1:" in line and "(banned)" in line, line
        assert forger.served.is_set()
        assert get.proc.poll() is None  # still looking for an honest peer
        rc, _ = get.stop()
        assert rc == 0
        assert not (tmp_path / "leech" / "x").exists()
    finally:
        forger.close()


def test_a_magnet_without_an_http_tracker_is_refused(tmp_path):
    r = run([layer7_bin(), "torrent", "get", "magnet:?xt=urn:btih:" + "ab" * 20 + "&tr=udp%3A%2F%2F127.0.0.1%3A1",
             "--dir", str(tmp_path)])
    assert r.returncode == 1 and "names no HTTP tracker" in r.stderr, r.stderr
    r = run([layer7_bin(), "torrent", "get", "magnet:?xt=urn:btih:nothex", "--dir", str(tmp_path)])
    assert r.returncode == 2 and "not a magnet link" in r.stderr, r.stderr


class Wire:
    """A raw peer connection: the 68-byte handshake, then messages as they come."""

    def __init__(self, sock):
        self.sock, self.buf, self.shook, self.messages = sock, b"", False, []

    def until(self, want, deadline=10):
        """Reads until `want(messages so far)` is true; returns the messages."""
        end = time.monotonic() + deadline
        while not want(self.messages):
            self.sock.settimeout(max(end - time.monotonic(), 0.01))
            chunk = self.sock.recv(65536)
            assert chunk, f"closed; got {[m[:40] for m in self.messages]}"
            self.buf += chunk
            if not self.shook and len(self.buf) >= 68:
                self.buf, self.shook = self.buf[68:], True
            while self.shook and len(self.buf) >= 4 and len(self.buf) >= 4 + struct.unpack(">I", self.buf[:4])[0]:
                n = struct.unpack(">I", self.buf[:4])[0]
                self.messages.append(self.buf[4:4 + n])
                self.buf = self.buf[4 + n:]
        return self.messages


def test_seed_answers_requests_and_rejects_a_piece_out_of_range(layer7, tmp_path):
    tracker, port = start_tracker(layer7)
    data = tmp_path / "seed" / "one.bin"
    data.parent.mkdir()
    data.write_bytes(os.urandom(100_000))
    torrent, info_hash = make_torrent(tmp_path, data, f"http://127.0.0.1:{port}/announce")
    info = torrent.read_bytes()[torrent.read_bytes().index(b"4:info") + 6:-1]
    seed, seed_port = start_seed(layer7, torrent, data.parent)
    ext = lambda i, body: struct.pack(">IBB", 2 + len(body), 20, i) + body
    hello = b"d1:md11:ut_metadatai5eee"
    empty = struct.pack(">IB", 2, 5) + b"\x00"  # a bitfield of one byte: 100 KB is 1 piece
    with socket.create_connection(("127.0.0.1", seed_port), timeout=10) as s:
        # aria2c's habit after a magnet's metadata: the bitfield twice; the seed must not drop us.
        s.sendall(b"\x13BitTorrent protocol" + bytes([0, 0, 0, 0, 0, 0x10, 0, 0]) + bytes.fromhex(info_hash)
                  + b"-XX0000-rawrawrawraw" + ext(0, hello) + empty + empty)
        theirs = lambda ms: [m for m in ms if m[:2] == b"\x14\x00"]
        wire = Wire(s)
        handshake = bdecode(theirs(wire.until(theirs))[0][2:])[0]
        assert handshake[b"metadata_size"] == len(info)
        ut_metadata = handshake[b"m"][b"ut_metadata"]
        s.sendall(ext(ut_metadata, b"d8:msg_typei0e5:piecei0ee") + ext(ut_metadata, b"d8:msg_typei0e5:piecei1ee"))
        replies = lambda ms: [m for m in ms if m[:2] == b"\x14\x05"]  # under the id we asked for
        messages = wire.until(lambda ms: len(replies(ms)) >= 2)
    data_reply, reject = replies(messages)
    head, used = bdecode(data_reply[2:])
    assert head == {b"msg_type": 1, b"piece": 0, b"total_size": len(info)}
    assert data_reply[2 + used:] == info  # the whole info dictionary: one piece
    assert bdecode(reject[2:])[0] == {b"msg_type": 2, b"piece": 1}
    assert "bitfield after" not in seed.output()
