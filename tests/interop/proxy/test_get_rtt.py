"""Issue 20: `layer7 get --page --rtt MS` makes the textbook's lesson visible on loopback: each
round trip (TCP set-up, each request/response) costs MS, so non-persistent HTTP pays 2 RTT per
object, persistent 1 RTT, parallel connections less. Only lower bounds from the deliberate delays
are asserted (a loaded machine may be slower, never faster)."""
import re

import pytest

from proxykit import Origin, get

RTT = 50
OBJECTS = 11  # the demo page and its 10 images


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    o = Origin(str(tmp_path_factory.mktemp("rtt-origin")))
    yield o
    o.stop()


def page(origin, *flags):
    r = get("--page", "--rtt", str(RTT), *flags, origin.url + "/index.html", timeout=120)
    assert r.returncode == 0, r.stderr
    rows = [l.split() for l in r.stdout.splitlines() if re.match(r"^\d+\s+200\s", l)]
    assert len(rows) == OBJECTS, r.stdout
    m = re.search(r"total: (\d+) objects, \d+ bytes, (\d+) TCP connections? \((.*)\), ([\d.]+) ms", r.stdout)
    assert m, r.stdout
    return rows, int(m.group(2)), m.group(3), float(m.group(4))


def test_non_persistent_costs_two_round_trips_per_object(origin):
    rows, connections, mode, total = page(origin, "--no-keepalive")
    assert connections == OBJECTS and mode == f"non-persistent, RTT {RTT} ms emulated"
    assert total >= 2 * OBJECTS * RTT
    for row in rows:  # columns: # status bytes conn connect_ms ttfb_ms total_ms url
        assert row[3] == "new" and float(row[4]) >= RTT and float(row[5]) >= RTT, row


def test_persistent_costs_one_round_trip_per_object(origin):
    rows, connections, mode, total = page(origin)
    assert connections == 1 and mode == f"persistent, RTT {RTT} ms emulated"
    assert total >= (OBJECTS + 1) * RTT
    assert all(float(row[5]) >= RTT for row in rows)
    assert [row[3] for row in rows] == ["new"] + ["reused"] * (OBJECTS - 1)


def test_parallel_connections_share_the_objects(origin):
    rows, connections, mode, total = page(origin, "--parallel", "4")
    assert 1 <= connections <= 4 and mode == f"persistent, 4 parallel, RTT {RTT} ms emulated"
    assert total >= 2 * RTT  # the base page, then at least one round of objects
    rows, connections, mode, _ = page(origin, "--parallel", "4", "--no-keepalive")
    assert connections == OBJECTS and mode.startswith("non-persistent, 4 parallel")


def test_rtt_and_parallel_are_checked():
    assert get("--page", "--parallel", "0", "http://127.0.0.1:1/").returncode == 2
    assert get("--page", "--rtt", "-5", "http://127.0.0.1:1/").returncode == 2
