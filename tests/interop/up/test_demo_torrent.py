"""`layer7 up` seeds the demo site's ten images through its own tracker ([tracker] seed_demo): the
`layer7 torrent get` and aria2c lines it prints fetch them byte for byte; the .torrent is on the web
site too; the info-hash is the same on every start; SIGTERM tells the tracker "stopped" while it
still listens; seed_demo = false seeds nothing.

Every wait has a deadline; nothing sleeps to synchronise.
"""
import filecmp
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from conftest import free_port, layer7_bin, run

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "torrent"))
from torrent_support import need, scrape, wait_until  # noqa: E402

HOST = "127.0.0.1"
IMAGES = [f"pic{i:02d}.png" for i in range(1, 11)]


def start_up(layer7, tmp_path, *flags, seed_demo=None):
    """`layer7 up` with [http] and [tracker] on free ports; returns (process, data dir, ports)."""
    data = tmp_path / "data"
    ports = {"http": free_port(), "tracker": free_port()}
    seed = "" if seed_demo is None else f"seed_demo = {'true' if seed_demo else 'false'}\n"
    config = tmp_path / "up.toml"
    config.write_text(f'[runtime]\nthreads = 2\ndata = "{data}"\n\n'
                      f'[http]\nlisten = "{HOST}:{ports["http"]}"\n\n'
                      f'[tracker]\nlisten = "{HOST}:{ports["tracker"]}"\n{seed}')
    return layer7(*flags, "up", "--config", str(config)), data, ports


def row(proc, service):
    """The printed table's row for `service`: (address, try-it command)."""
    for line in proc.out_lines:
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] == service:
            return parts[1], parts[2]
    raise KeyError(f"no row {service!r} in:\n" + "\n".join(proc.out_lines))


def info_hash(torrent):
    r = run([layer7_bin(), "torrent", "info", str(torrent)])
    assert r.returncode == 0, r.stderr
    return re.search(r"info-hash:\s+([0-9a-f]{40})", r.stdout).group(1)


def seeded(port, torrent):
    """Waits until the tracker counts the seed (its "started" announce has landed)."""
    hash_hex = info_hash(torrent)
    wait_until(lambda: scrape(port, hash_hex)[b"complete"] >= 1, 30, "the demo seed's announce")
    return hash_hex


def assert_demo_images(dir, data):
    got = dir / "layer7-demo-images"
    assert sorted(os.listdir(got)) == IMAGES
    for name in IMAGES:  # the bytes the web site serves at /images/
        assert filecmp.cmp(got / name, data / "www" / "images" / name, shallow=False), name


def test_printed_lines_fetch_the_demo_images(layer7, tmp_path):
    up, data, ports = start_up(layer7, tmp_path)
    torrent, get_line = row(up, "torrent-demo")
    assert torrent == str(data / "torrent" / "demo.torrent")
    assert get_line == f"layer7 torrent get {torrent}"
    url, aria2c_line = row(up, "torrent-demo/aria2c")
    assert url == f"http://{HOST}:{ports['http']}/demo.torrent"
    with urllib.request.urlopen(url, timeout=10) as r:  # the web site serves the same .torrent
        assert r.headers["Content-Type"] == "application/x-bittorrent"
        assert r.read() == (data / "torrent" / "demo.torrent").read_bytes()
    r = run([layer7_bin(), "torrent", "info", torrent])
    assert f"tracker:      http://{HOST}:{ports['tracker']}/announce" in r.stdout and "files:        10 (multi-file)" in r.stdout
    hash_hex = seeded(ports["tracker"], torrent)

    # The printed `layer7 torrent get` line, into a directory of its own.
    command = shlex.split(get_line)
    assert command[0] == "layer7"
    r = run([layer7_bin(), *command[1:], "--dir", str(tmp_path / "get"), "-q"], timeout=90)
    assert r.returncode == 0, r.stdout + r.stderr
    assert_demo_images(tmp_path / "get", data)

    # The printed aria2c line as it is; only where to write and which port to listen on are added.
    need("aria2c")
    command = shlex.split(aria2c_line)
    assert command[0] == "aria2c"
    (tmp_path / "aria2c").mkdir()
    log = tmp_path / "aria2c.log"
    with open(log, "w") as out:
        done = subprocess.run([*command, f"--dir={tmp_path / 'aria2c'}", f"--listen-port={free_port()}",
                               "--summary-interval=0"], stdout=out, stderr=subprocess.STDOUT, timeout=120)
    assert done.returncode == 0, log.read_text()
    assert_demo_images(tmp_path / "aria2c", data)
    assert scrape(ports["tracker"], hash_hex)[b"downloaded"] >= 2  # both said "completed"


def test_stop_tells_the_tracker_before_it_closes(layer7, tmp_path):
    up, data, ports = start_up(layer7, tmp_path, "--trace")
    torrent, _ = row(up, "torrent-demo")
    seeded(ports["tracker"], torrent)
    rc, _ = up.stop()
    assert rc == 0, up.output()
    # The seed's own connection (#N) asked with event=stopped after the signal, and the tracker answered.
    lines = up.err_lines
    signal_at = next(i for i, line in enumerate(lines) if "signal 15: stopping" in line)
    asked = [re.search(r" (#\d+) C: GET /announce\?", line).group(1) for line in lines[signal_at:]
             if " C: GET /announce?" in line and "&event=stopped" in line]
    assert asked, up.output()
    answered = [c for c in asked if any(f" {c} S: HTTP/1.1 200 " in line for line in lines[signal_at:])]
    assert answered, up.output()
    assert not [line for line in lines if line.startswith("layer7: tracker ")], up.output()


def test_same_info_hash_on_every_start(layer7, tmp_path):
    up, data, ports = start_up(layer7, tmp_path)
    torrent, _ = row(up, "torrent-demo")
    first = (data / "torrent" / "demo.torrent").read_bytes()
    rc, _ = up.stop()
    assert rc == 0, up.output()
    config = tmp_path / "up.toml"
    again = layer7("up", "--config", str(config))
    assert row(again, "torrent-demo")[0] == torrent
    assert (data / "torrent" / "demo.torrent").read_bytes() == first
    seeded(ports["tracker"], torrent)


def test_seed_demo_false_seeds_nothing(layer7, tmp_path):
    up, data, ports = start_up(layer7, tmp_path, seed_demo=False)
    up.wait_output("tracker/http")
    assert not [line for line in up.out_lines if line.startswith("torrent-demo")], up.output()
    assert not (data / "torrent").exists()
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(f"http://{HOST}:{ports['http']}/demo.torrent", timeout=10)
    assert e.value.code == 404
    with urllib.request.urlopen(f"http://{HOST}:{ports['tracker']}/", timeout=10) as r:
        assert "0 torrents" in r.read().decode()


def test_seed_demo_is_checked_like_other_keys(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[tracker]\nseed_demo = "yes"\n')
    r = run([layer7_bin(), "config", "check", str(bad)])
    assert r.returncode == 2 and "seed_demo" in r.stderr, r.stderr
    good = tmp_path / "good.toml"
    good.write_text("[tracker]\nseed_demo = false\n")
    assert run([layer7_bin(), "config", "check", str(good)]).returncode == 0
