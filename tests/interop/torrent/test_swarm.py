"""A swarm on loopback: one layer7 seed and 8 layer7 leechers, each its own process, introduced by
`layer7 tracker serve`, each leecher with its own upload cap. Every leecher ends byte-identical, and
the seed's --trace shows its choker keeping the textbook's rules:
  - never more than 4 regular + 1 optimistic peers unchoked (counted from the choke/unchoke messages
    it sends), and all 5 slots used while at least 5 peers want data;
  - full rechokes at the rechoke interval; between them the regular slots change only by a peer
    leaving or losing interest, or an empty slot being filled;
  - the optimistic unchoke rotating at its interval: never earlier, unless its peer left, lost
    interest or earned a regular slot.
BEP 3 and the textbook use 10 s and 30 s; here --rechoke-interval 1 --optimistic-interval 3 scale
both by 1/10, so a swarm that lasts some seconds shows many of each. Rarest first is a property of
the piece picker alone, checked on a controlled availability map in
tests/unit/torrent/piece_picker_test.cpp."""
import filecmp
import os
import re
import signal
import socket
import struct
import subprocess
import time

from conftest import layer7_bin
from torrent_support import make_torrent, scrape, start_tracker, wait_until

RECHOKE, OPTIMISTIC = 1, 3  # seconds: 10 s and 30 s scaled by 1/10
SLOTS = 4
SEED_RATE = "768K"          # the seed alone would need 8 x 2 MiB / 768 KiB/s = 21 s
LEECH_RATES = ["64K", "96K", "128K", "160K", "192K", "224K", "256K", "288K"]  # one cap each
SIZE = 2 * 1024 * 1024 + 777  # 65 pieces of 32 KiB, the last one short
SLACK = 0.6  # a tick late under load (2 cores, 10 processes under ASan)

LINE = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d\d\d) #(\d+) (.): (.*)$")


def parse(trace):
    """The seed's trace as (seconds, connection id, speaker, text), times made monotonic over midnight."""
    events, last, day = [], None, 0
    for line in trace.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        h, mi, s, ms, conn, who, text = m.groups()
        t = int(h) * 3600 + int(mi) * 60 + int(s) + int(ms) / 1000 + day
        if last is not None and t < last - 3600:
            day += 86400
            t += 86400
        last = t
        events.append((t, int(conn), who, text))
    return events


class Swarm:
    """What the seed's trace says, replayed: who is connected, interested, unchoked; the choker's notes."""

    def __init__(self, events):
        self.direction = {}     # connection id -> "in" (the peer dialled us) or "out"
        self.interested = set()
        self.unchoked = set()   # as the peers were told, by choke/unchoke messages
        self.max_unchoked = 0
        self.decisions = []     # (time, rechoke?, regular ids, optimistic id or None, interested ids then)
        for t, conn, who, text in events:
            self.step(t, conn, who, text)
        self.settled(events[-1][0])

    def step(self, t, conn, who, text):
        if text.startswith("connection from "):
            self.direction[conn] = "in"
        elif text.startswith("connected to "):
            self.direction[conn] = "out"
        elif text.startswith("peer ") and text.endswith(" gone"):
            self.interested.discard(conn)
            self.unchoked.discard(conn)
        elif text.startswith("choker: "):
            self.settled(t)  # the previous decision's messages are all out
            m = re.fullmatch(r"choker: (rechoke, )?unchoke((?: #\d+(?:\(optimistic\))?)*)", text)
            assert m, text
            regular, optimistic = [], None
            for peer in m.group(2).split():
                if peer.endswith("(optimistic)"):
                    assert optimistic is None, text
                    optimistic = int(peer[1:-len("(optimistic)")])
                else:
                    regular.append(int(peer[1:]))
            self.decisions.append((t, bool(m.group(1)), regular, optimistic, set(self.interested)))
        elif conn in self.direction:
            ours = (who == "S") == (self.direction[conn] == "in")  # the seed answers on incoming links
            if ours and text in ("unchoke", "choke"):
                # One decision's messages go out in a row, unchokes and chokes in peer order: the
                # count is checked between decisions, not halfway through one.
                (self.unchoked.add if text == "unchoke" else self.unchoked.discard)(conn)
            elif not ours and text in ("interested", "not interested"):
                (self.interested.add if text == "interested" else self.interested.discard)(conn)

    def settled(self, t):
        self.max_unchoked = max(self.max_unchoked, len(self.unchoked))
        assert len(self.unchoked) <= SLOTS + 1, f"{sorted(self.unchoked)} unchoked at {t}"


def wait_for_line(path, text, deadline):
    return wait_until(lambda: next((l for l in path.read_text(errors="replace").splitlines() if text in l), None),
                      deadline, f"'{text}' in {path.name}")


def test_one_seed_eight_leechers_and_the_choker(layer7, tmp_path):
    tracker, port = start_tracker(layer7, interval=60)  # one announce each: the seed never dials out
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    data = seed_dir / "payload.bin"
    data.write_bytes(os.urandom(SIZE))
    torrent, info_hash = make_torrent(tmp_path, data, f"http://127.0.0.1:{port}/announce", "--piece-size", "32K")
    plain = ["--encryption", "off"]  # the choker is the subject; RC4 would only cost CPU
    seed_log = tmp_path / "seed.log"
    procs = []
    try:
        with open(seed_log, "w") as log:
            seed = subprocess.Popen([layer7_bin(), "--trace", "torrent", "seed", str(torrent), "--dir", str(seed_dir), "-q",
                                     "--upload-rate", SEED_RATE, "--unchoke-slots", str(SLOTS),
                                     "--rechoke-interval", str(RECHOKE), "--optimistic-interval", str(OPTIMISTIC),
                                     *plain], stdout=log, stderr=subprocess.STDOUT)
        procs.append(seed)
        wait_for_line(seed_log, "seeding", 20)
        wait_until(lambda: scrape(port, info_hash)[b"complete"] >= 1, 20, "the seed's announce")
        started = time.monotonic()
        for i, rate in enumerate(LEECH_RATES):
            out = tmp_path / f"leech{i}"
            with open(tmp_path / f"leech{i}.log", "w") as log:
                procs.append(subprocess.Popen([layer7_bin(), "torrent", "get", str(torrent), "--dir", str(out), "-q",
                                               "--upload-rate", rate, *plain], stdout=log, stderr=subprocess.STDOUT))
        for i, p in enumerate(procs[1:]):
            rc = p.wait(timeout=max(1.0, started + 40 - time.monotonic()))
            assert rc == 0, (tmp_path / f"leech{i}.log").read_text()[-3000:]
            assert filecmp.cmp(data, tmp_path / f"leech{i}" / "payload.bin", shallow=False), f"leecher {i}"
        seconds = time.monotonic() - started
        seed.send_signal(signal.SIGTERM)
        assert seed.wait(timeout=20) == 0, seed_log.read_text()[-3000:]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert counts_downloaded(port, info_hash) == len(LEECH_RATES)

    swarm = Swarm(parse(seed_log.read_text(errors="replace")))
    decisions = swarm.decisions
    # The swarm outlasted several optimistic intervals (else the checks below would say little).
    assert seconds >= 2.5 * OPTIMISTIC, seconds

    # 4 + 1: every note within the slots; the messages never had more than 5 unchoked (checked as
    # they were replayed), and all 5 were used.
    for t, rechoke, regular, optimistic, interested in decisions:
        assert len(regular) <= SLOTS and optimistic not in regular
        if rechoke and len(interested) > SLOTS:
            assert len(regular) == SLOTS and optimistic is not None, (t, regular, optimistic, interested)
    assert swarm.max_unchoked == SLOTS + 1

    # Full rechokes every RECHOKE seconds (the seed's 1 s tick makes one at most a tick late), never
    # sooner, from the first leecher's arrival until the last has gone.
    busy = [d for d in decisions if d[4]]
    rechokes = [t for t, rechoke, *_ in decisions if rechoke and busy[0][0] <= t <= busy[-1][0]]
    assert len(rechokes) >= 0.6 * (busy[-1][0] - busy[0][0]) / RECHOKE, rechokes
    gaps = [b - a for a, b in zip(rechokes, rechokes[1:])]
    assert all(RECHOKE - 0.01 <= g <= RECHOKE + 1 + SLACK for g in gaps), gaps
    # Between rechokes a regular peer is dropped only once it lost interest or left, and a peer is
    # added only into a slot left empty.
    for (_, _, before, _, _), (t, rechoke, after, _, interested) in zip(decisions, decisions[1:]):
        if rechoke:
            continue
        dropped = set(before) - set(after)
        assert not dropped & interested, (t, before, after, interested)
        assert len(set(before) & set(after)) + len(set(after) - set(before)) <= SLOTS

    # The optimistic unchoke: every change of hands is on time (OPTIMISTIC seconds after the last
    # choice) or because its peer earned a regular slot, left or lost interest; none is later than a
    # tick past its time while another peer could take it; and it went round (several peers had it).
    chosen_at, current, holders = None, None, set()
    for t, rechoke, regular, optimistic, interested in decisions:
        others = interested - set(regular) - {current}
        if current is not None and current in interested and current not in regular and others:
            assert t - chosen_at <= OPTIMISTIC + 1 + SLACK, ("late", t, current, chosen_at)
        if optimistic == current:
            continue
        if current is not None and t - chosen_at < OPTIMISTIC - 0.01:
            assert current in regular or current not in interested, ("early", t, current, optimistic, chosen_at)
        current, chosen_at = optimistic, t
        holders.add(optimistic)
    assert len(holders - {None}) >= 3, decisions


def counts_downloaded(port, info_hash):
    """The tracker's count of completed downloads, once every leecher's completed event is in."""
    return wait_until(lambda: (lambda n: n if n >= len(LEECH_RATES) else None)(scrape(port, info_hash)[b"downloaded"]),
                      10, "every completed event")


def fake_peer(port, info_hash, pieces, requests):
    """A peer with every piece that unchokes the leecher on `port` and swallows its requests; returns
    the socket once `requests` block requests have come in."""
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(b"\x13BitTorrent protocol" + bytes(8) + bytes.fromhex(info_hash) + b"-XX0000-" + os.urandom(6).hex().encode())
    bits = bytearray((pieces + 7) // 8)
    for i in range(pieces):
        bits[i // 8] |= 0x80 >> (i % 8)
    s.sendall(struct.pack(">IB", 1 + len(bits), 5) + bits + struct.pack(">IB", 1, 1))  # bitfield, unchoke
    buffer, seen = b"", 0

    def take(n):
        nonlocal buffer
        while len(buffer) < n:
            chunk = s.recv(65536)
            assert chunk, "the leecher closed"
            buffer += chunk
        out, buffer = buffer[:n], buffer[n:]
        return out

    take(68)  # its handshake
    while seen < requests:
        length = struct.unpack(">I", take(4))[0]
        if length and take(length)[0] == 6:
            seen += 1
    return s


def test_blocks_a_departed_peer_held_are_asked_of_another(layer7, tmp_path):
    # The stall the swarm above found: a leecher whose every block was in flight at two peers
    # (endgame: two requesters per block at most) asked its third peer, a seed, for nothing; when
    # the two left, their blocks were open again but nobody was asked for them. Four one-block
    # pieces: the first holder is asked for all four (the first request depth), the second for all
    # four again (endgame), and the seed that comes last for none.
    tracker, port = start_tracker(layer7, interval=60)
    seed_dir = tmp_path / "seed"
    seed_dir.mkdir()
    data = seed_dir / "payload.bin"
    data.write_bytes(os.urandom(64 * 1024))
    torrent, info_hash = make_torrent(tmp_path, data, f"http://127.0.0.1:{port}/announce", "--piece-size", "16K")
    leech = layer7("--trace", "torrent", "get", str(torrent), "--dir", str(tmp_path / "leech"), "-q",
                   "--encryption", "off", ready="downloading", deadline=20)
    leech_port = int(re.search(r"on port (\d+)", leech.wait_output("downloading")).group(1))
    wait_until(lambda: scrape(port, info_hash)[b"incomplete"] >= 1, 20, "the leecher's announce")
    holders = [fake_peer(leech_port, info_hash, 4, 4), fake_peer(leech_port, info_hash, 4, 4)]
    # The seed learns of the leecher from the tracker, dials it and unchokes it; it is asked for nothing.
    layer7("--trace", "torrent", "seed", str(torrent), "--dir", str(seed_dir), "-q", ready="seeding")
    # The leecher's trace shows the peers' unchokes as C: lines (each dialled it): the seed's is the
    # third, and the leecher has asked it for what it could by the time the line is out.
    unchokes = lambda: sum(1 for l in leech.err_lines if l.endswith(" C: unchoke"))
    wait_until(lambda: leech._pump(0.1) is not None and unchokes() >= 3, 20, "the seed's unchoke")
    for s in holders:
        s.close()
    leech.wait_output("complete", deadline=20)
    assert leech.proc.wait(timeout=20) == 0
    assert filecmp.cmp(data, tmp_path / "leech" / "payload.bin", shallow=False)
