"""The HTTP tracker's replies as a client library sees them: failure reasons for bad announces, the
dictionary form, and the stats page."""
import urllib.parse

from conftest import free_port, layer7_bin, run
from torrent_support import bdecode, http_get, start_tracker

HASH = bytes(range(20))


def announce(tracker_port, **params):
    query = urllib.parse.urlencode({"info_hash": HASH, "peer_id": b"-XX0001-" + b"p" * 12, "port": 6881,
                                    "uploaded": 0, "downloaded": 0, "left": 10, **params})
    return bdecode(http_get(f"http://127.0.0.1:{tracker_port}/announce?{query}"))[0]


def test_failure_reasons_and_forms(layer7):
    tracker, port = start_tracker(layer7)
    bad = bdecode(http_get(f"http://127.0.0.1:{port}/announce?info_hash=short&port=1"))[0]
    assert bad[b"failure reason"] == b"info_hash is not 20 bytes"
    missing = bdecode(http_get(f"http://127.0.0.1:{port}/announce?info_hash=" +
                               urllib.parse.quote_from_bytes(HASH)))[0]
    assert missing[b"failure reason"] == b"missing peer_id"

    first = announce(port, event="started", left=0)
    assert first[b"interval"] == 5 and first[b"complete"] == 1 and first[b"peers"] == b""
    other = {"peer_id": b"-YY0001-" + b"q" * 12, "port": 6882}
    compact = announce(port, **other)
    assert compact[b"peers"] == bytes([127, 0, 0, 1, 0x1a, 0xe1])
    dictionary = announce(port, compact=0, **other)
    assert dictionary[b"peers"] == [{b"ip": b"127.0.0.1", b"peer id": b"-XX0001-" + b"p" * 12, b"port": 6881}]
    anonymous = announce(port, compact=0, no_peer_id=1, **other)
    assert b"peer id" not in anonymous[b"peers"][0]

    page = http_get(f"http://127.0.0.1:{port}/").decode()
    assert HASH.hex() in page and "1 torrents, 1 seeders, 1 leechers" in page


def test_tracker_section_in_up(layer7, tmp_path):
    # [tracker] read by `layer7 up`: HTTP and UDP rows on one port, announces answered.
    port = free_port()
    config = tmp_path / "tracker.toml"
    config.write_text(f'[tracker]\nlisten = "127.0.0.1:{port}"\ninterval = 7\nmin_interval = 3\nmax_numwant = 1\n')
    p = layer7("--data", str(tmp_path), "up", "--config", str(config))
    assert f"127.0.0.1:{port}" in p.wait_output("tracker/http")
    p.wait_output("tracker/udp")
    reply = announce(port, numwant=100)
    assert reply[b"interval"] == 7 and reply[b"min interval"] == 3
    bad = tmp_path / "bad.toml"
    bad.write_text('[tracker]\ninterval = 10\nmin_interval = 20\n')
    r = run([layer7_bin(), "config", "check", str(bad)])
    assert r.returncode == 2 and "min_interval" in r.stderr
