"""python3-libtorrent (Rasterbar) and our .torrent files, both ways: it reads what `layer7 torrent
make` writes, and `layer7 torrent info` reads what libtorrent's create_torrent writes, with the same
info-hash each time."""
import os
import re

import pytest

from conftest import layer7_bin, run
from torrent_support import make_torrent

lt = pytest.importorskip("libtorrent", reason="python3-libtorrent not installed (tools/setup.sh test)")


def our_info(path):
    r = run([layer7_bin(), "torrent", "info", str(path)])
    assert r.returncode == 0, r.stderr
    return r.stdout


def tree(root):
    (root / "sub").mkdir(parents=True)
    (root / "a.bin").write_bytes(os.urandom(300_000))
    (root / "sub" / "b.txt").write_bytes(b"hello\n" * 1000)
    (root / "sub" / "c.bin").write_bytes(os.urandom(70_000))


@pytest.mark.parametrize("multi", [False, True])
def test_libtorrent_reads_our_torrent(tmp_path, multi):
    if multi:
        tree(tmp_path / "share")
        path = tmp_path / "share"
    else:
        path = tmp_path / "one.bin"
        path.write_bytes(os.urandom(1_000_000))
    torrent, info_hash = make_torrent(tmp_path, path, "http://127.0.0.1:6969/announce", "--piece-size", "32K")
    ti = lt.torrent_info(str(torrent))
    assert str(ti.info_hashes().v1) == info_hash
    assert ti.piece_length() == 32 * 1024
    files = ti.files()
    assert ti.total_size() == sum(files.file_size(i) for i in range(files.num_files()))
    assert ti.num_pieces() == -(-ti.total_size() // (32 * 1024))
    assert [t.url for t in ti.trackers()] == ["http://127.0.0.1:6969/announce"]
    if multi:
        names = sorted(files.file_path(i) for i in range(files.num_files()))
        assert names == [os.path.join("share", "a.bin"), os.path.join("share", "sub", "b.txt"),
                         os.path.join("share", "sub", "c.bin")]
    # libtorrent checks our piece hashes against the data on adding it: every piece must verify,
    # which makes it a seed at once (the tracker URL is never reached; nothing else is needed).
    ses = lt.session({"enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
                      "listen_interfaces": "127.0.0.1:0"})
    handle = ses.add_torrent({"ti": ti, "save_path": str(tmp_path)})
    for _ in range(100):
        if handle.status().is_seeding:
            break
        ses.wait_for_alert(100)
        ses.pop_alerts()
    assert handle.status().num_pieces == ti.num_pieces()
    assert handle.status().is_seeding


@pytest.mark.parametrize("flags,multi", [("v1_only", True), ("hybrid", False)])
def test_we_read_libtorrents_torrent(tmp_path, flags, multi):
    if multi:
        tree(tmp_path / "share")
        path = tmp_path / "share"
    else:
        path = tmp_path / "one.bin"
        path.write_bytes(os.urandom(500_000))
    fs = lt.file_storage()
    lt.add_files(fs, str(path))
    ct = lt.create_torrent(fs, 0, lt.create_torrent.v1_only if flags == "v1_only" else 0)
    ct.add_tracker("udp://127.0.0.1:6969/announce")
    lt.set_piece_hashes(ct, str(tmp_path))
    out = tmp_path / "lt.torrent"
    out.write_bytes(lt.bencode(ct.generate()))
    expected = str(lt.torrent_info(str(out)).info_hashes().v1)
    text = our_info(out)
    assert re.search(r"info-hash:\s+([0-9a-f]{40})", text).group(1) == expected
    assert f"magnet:?xt=urn:btih:{expected}" in text
    assert "udp://127.0.0.1:6969/announce" in text


def test_unsafe_paths_are_refused(tmp_path):
    # A multi-file torrent whose path climbs out of the download directory: refused, exit 1.
    evil = lt.bencode({b"announce": b"http://127.0.0.1:6969/announce",
                       b"info": {b"name": b"x", b"piece length": 16384, b"pieces": b"h" * 20,
                                 b"files": [{b"length": 5, b"path": [b"..", b"etc", b"passwd"]}]}})
    path = tmp_path / "evil.torrent"
    path.write_bytes(evil)
    r = run([layer7_bin(), "torrent", "info", str(path)])
    assert r.returncode == 1
    assert "unsafe file path" in r.stderr
