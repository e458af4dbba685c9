"""`layer7 torrent get --json` for scripts, and `--keep-seeding`: a leecher that stays once complete
is the only source of a second leecher's copy after the seed has gone."""
import filecmp
import json
import os
import re
import subprocess

from conftest import layer7_bin
from torrent_support import make_torrent, scrape, start_tracker, wait_until

PIECE = 256 * 1024
FIELDS = {"event", "name", "info_hash", "pieces", "pieces_have", "size", "left", "percent", "peers", "downloaded",
          "uploaded", "down_rate", "up_rate", "ratio", "eta", "seconds"}


def events(process):
    """The JSON objects on stdout so far; every stdout line must be one."""
    return [json.loads(line) for line in process.out_lines]


def test_json_status_lines_then_keep_seeding_serves_the_next_leecher(layer7, tmp_path):
    tracker, port = start_tracker(layer7, interval=1)
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    data = seed_dir / "payload.bin"
    data.write_bytes(os.urandom(4 * PIECE))
    torrent, info_hash = make_torrent(tmp_path, data, f"http://127.0.0.1:{port}/announce")
    seed = layer7("torrent", "seed", str(torrent), "--dir", str(seed_dir), "-q", ready="seeding")
    wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 30, "the seed's announce")

    # 1 MiB at 400 KiB/s: about 2.5 s, so there are status lines before the completion.
    first = layer7("torrent", "get", str(torrent), "--dir", str(tmp_path / "first"), "--json", "--keep-seeding",
                   "--download-rate", "400K", ready='"event":"complete"', deadline=30)
    assert filecmp.cmp(data, tmp_path / "first" / "payload.bin", shallow=False)
    lines = events(first)
    assert all(set(e) == FIELDS for e in lines), lines
    assert all(e["info_hash"] == info_hash and e["name"] == "payload.bin" for e in lines)
    statuses = [e for e in lines if e["event"] == "status"]
    assert statuses, "no status line before the completion"
    assert [e["pieces_have"] for e in statuses] == sorted(e["pieces_have"] for e in statuses)
    done = lines[-1]
    assert done["event"] == "complete"
    assert (done["left"], done["percent"], done["pieces_have"], done["eta"]) == (0, 100, 4, 0)
    assert done["downloaded"] >= 4 * PIECE
    assert not any("%" in line and "ETA" in line for line in first.err_lines), "a progress line beside --json"

    # The seed leaves; the first leecher stays (it is now the torrent's only seed) and serves the second.
    assert seed.stop()[0] == 0
    wait_until(lambda: scrape(port, info_hash)[b"complete"] == 1, 30, "the seed's stopped and our completed")
    second = layer7("torrent", "get", str(torrent), "--dir", str(tmp_path / "second"), "--json",
                    ready='"event":"stopped"', deadline=30)
    assert second.proc.wait(timeout=10) == 0
    assert filecmp.cmp(data, tmp_path / "second" / "payload.bin", shallow=False)
    assert [e["event"] for e in events(second)][-2:] == ["complete", "stopped"]

    rc, _ = first.stop()
    assert rc == 0, first.output()
    last = events(first)[-1]
    assert last["event"] == "stopped"
    assert last["uploaded"] >= 4 * PIECE and last["ratio"] >= 1, last


def test_json_names_a_failure_in_its_last_line(tmp_path):
    """A get that cannot start still ends its stdout with a "stopped" line; the reason is on stderr."""
    data = tmp_path / "payload.bin"
    data.write_bytes(os.urandom(PIECE))
    torrent, _ = make_torrent(tmp_path, data, "http://127.0.0.1:9/announce")
    busy = tmp_path / "busy"
    busy.write_text("a file where the download folder should be")
    r = subprocess.run([layer7_bin(), "torrent", "get", str(torrent), "--dir", str(busy), "--json"],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert r.stderr.strip(), "no reason given"
    last = json.loads(r.stdout.splitlines()[-1])
    assert last["event"] == "stopped" and last["left"] == PIECE
    assert not re.search(r"\bETA\b", r.stderr)
