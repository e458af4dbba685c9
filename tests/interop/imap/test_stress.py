"""Twenty imaplib sessions of one user at once against `layer7 imap serve`, for a bounded time, doing
random APPEND, FETCH, STORE, EXPUNGE, UID MOVE and UID COPY on two shared mailboxes, each checking as
it goes that what it sees stays consistent; then a fresh session checks the end state.

Every message carries a unique Message-ID. Each message instance (a copy is a new instance) has one
owner, the client that appended or copied it: only the owner changes its flags, moves, copies or
deletes it, so the owner knows its exact state while every client reads everything. Checked:
UIDVALIDITY never changes; a (mailbox, UID) always names the same message; a new UID (APPENDUID,
COPYUID) is above every UID seen before the command began; a listing's UIDs ascend; an owner's
instances are all listed, with the flags it set, through its own session and through a fresh one;
a deleted instance is never listed again; at the end the instances in the mailboxes are exactly
the live ones (so the Message-IDs are those appended minus those deleted), with their flags.

LAYER7_STRESS_SECONDS (default 10; the issue's full run is 30) bounds the time, LAYER7_STRESS_SEED
replays a run: the seed is printed, and in every failure message.
"""
import os
import pathlib
import random
import re
import shutil
import sys
import tempfile
import threading
import time
import traceback

import pytest

from imapkit import DOMAIN, HOST, add_user, login, maildir_of, start_imap

SECONDS = float(os.environ.get("LAYER7_STRESS_SECONDS", "10"))
CLIENTS = 20
FOLDERS = ("INBOX", "Shared")
FLAGS = ("\\Seen", "\\Flagged", "\\Answered", "\\Draft")

FETCH_ITEM = re.compile(rb"UID (\d+)")
FLAGS_ITEM = re.compile(rb"FLAGS \(([^)]*)\)")
MESSAGE_ID = re.compile(rb"Message-ID: (<[^>]+>)", re.I)


class Inconsistent(AssertionError):
    pass


class Ledger:
    """What every client has observed, shared under one lock."""

    def __init__(self, seed):
        self.seed = seed
        self.lock = threading.Lock()
        self.validity = {}   # folder → UIDVALIDITY first seen
        self.names = {}      # (folder, uid) → Message-ID
        self.max_uid = {f: 0 for f in FOLDERS}
        self.gone = {}       # (folder, uid) → monotonic time its deletion completed
        self.appended = set()
        self.failures = []
        self.ops = 0

    def fail(self, client, text):
        raise Inconsistent(f"seed {self.seed}, client {client}: {text}")

    def saw_validity(self, client, folder, value):
        with self.lock:
            known = self.validity.setdefault(folder, value)
        if known != value:
            self.fail(client, f"UIDVALIDITY of {folder} changed from {known} to {value}")

    def saw(self, client, folder, uid, mid, since=None):
        """A listing begun at `since` showed (folder, uid) holding `mid`."""
        with self.lock:
            known = self.names.setdefault((folder, uid), mid)
            self.max_uid[folder] = max(self.max_uid[folder], uid)
            gone_at = self.gone.get((folder, uid))
        if known != mid:
            self.fail(client, f"{folder} UID {uid} was {known}, now {mid}")
        if since is not None and gone_at is not None and gone_at < since:
            self.fail(client, f"{folder} UID {uid} ({mid}) listed after its deletion")

    def new_uid(self, client, folder, uid, mid, floor):
        """A command begun when the highest UID seen in `folder` was `floor` gave `mid` UID `uid`."""
        if uid <= floor:
            self.fail(client, f"new UID {uid} in {folder} for {mid} is not above {floor}, seen before")
        self.saw(client, folder, uid, mid)

    def floor(self, folder):
        with self.lock:
            return self.max_uid[folder]


def listing(m, client, ledger, folder, since):
    """UID FETCH 1:* of the folder selected at `since` → {uid: (mid, flags)}; checks order and names.
    A message deleted before `since` must not be listed; one deleted later may be (RFC 2180 §4.1.2:
    a session not yet told of an EXPUNGE may still fetch the message)."""
    m.untagged_responses.pop("FETCH", None)  # unsolicited flag news from earlier commands
    typ, data = m.uid("FETCH", "1:*", "(UID FLAGS BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    if typ != "OK":
        ledger.fail(client, f"UID FETCH in {folder}: {typ} {data}")
    out, order = {}, []
    for item in data:
        if not isinstance(item, tuple):
            continue  # ")" closing a literal, or an unsolicited FLAGS update
        uid = int(FETCH_ITEM.search(item[0]).group(1))
        flags = FLAGS_ITEM.search(item[0])
        mid = MESSAGE_ID.search(item[1])
        if not flags or not mid:
            ledger.fail(client, f"malformed FETCH response {item!r}")
        if uid in out:
            ledger.fail(client, f"{folder} UID {uid} listed twice")
        order.append(uid)
        out[uid] = (mid.group(1).decode(), frozenset(flags.group(1).decode().split()) - {"\\Recent"})
        ledger.saw(client, folder, uid, out[uid][0], since)
    if order != sorted(order):
        ledger.fail(client, f"{folder} UIDs out of order: {order}")
    return out


def uid_code(text, name):
    """(validity, [uids]) of [APPENDUID v uid] or the destination set of [COPYUID v from to]."""
    found = re.search(name + r" (\d+) ([\d:,]+)(?: ([\d:,]+))?\]", text)
    if not found:
        return None, []
    uids = []
    for part in (found.group(3) or found.group(2)).split(","):
        a, _, b = part.partition(":")
        uids.extend(range(int(a), int(b or a) + 1))
    return int(found.group(1)), uids


class Client(threading.Thread):
    def __init__(self, n, port, ledger, until):
        super().__init__(name=f"stress-{n}")
        self.n, self.port, self.ledger, self.until = n, port, ledger, until
        self.rng = random.Random(ledger.seed * 1000 + n)
        self.own = {}   # (folder, uid) → [mid, set(flags)]
        self.count = 0
        self.selected = None
        self.selected_at = 0.0
        self.error = None

    # --- helpers

    def fail(self, text):
        self.ledger.fail(self.n, text)

    def ok(self, result, what):
        typ, data = result
        if typ != "OK":
            self.fail(f"{what}: {typ} {data}")
        return data

    def select(self, folder):
        if self.selected == folder:
            return
        self.m.untagged_responses.pop("UIDVALIDITY", None)
        self.selected_at = time.monotonic()
        self.ok(self.m.select(folder), f"SELECT {folder}")
        self.ledger.saw_validity(self.n, folder, int(self.m.response("UIDVALIDITY")[1][-1]))
        self.selected = folder

    def pick_own(self):
        return self.rng.choice(sorted(self.own)) if self.own else None

    def check_own(self, folder, seen, who):
        for (f, uid), (mid, flags) in self.own.items():
            if f != folder:
                continue
            if uid not in seen:
                self.fail(f"{who}: own {mid} ({folder} UID {uid}) missing")
            if seen[uid][1] != frozenset(flags):
                self.fail(f"{who}: {folder} UID {uid} ({mid}) has flags {sorted(seen[uid][1])}, "
                          f"set {sorted(flags)}")

    # --- operations

    def append(self):
        folder = self.rng.choice(FOLDERS)
        self.count += 1
        mid = f"<c{self.n}.{self.count}.s{self.ledger.seed}@stress.test>"
        flags = {f for f in FLAGS if self.rng.random() < 0.3}
        text = (f"Message-ID: {mid}\r\nFrom: c{self.n}@stress.test\r\nTo: bob@{DOMAIN}\r\n"
                f"Subject: stress {self.n} #{self.count}\r\n\r\nbody of {mid}\r\n")
        floor = self.ledger.floor(folder)
        data = self.ok(self.m.append(folder, "(" + " ".join(sorted(flags)) + ")" if flags else None, None,
                                     text.encode()), f"APPEND {mid}")
        with self.ledger.lock:
            self.ledger.appended.add(mid)
        validity, uids = uid_code(data[0].decode(), "APPENDUID")
        if len(uids) != 1:
            self.fail(f"APPEND {mid}: no APPENDUID in {data}")
        self.ledger.saw_validity(self.n, folder, validity)
        self.ledger.new_uid(self.n, folder, uids[0], mid, floor)
        self.own[(folder, uids[0])] = [mid, flags]

    def fetch(self):
        folder = self.rng.choice(FOLDERS)
        self.select(folder)
        self.check_own(folder, listing(self.m, self.n, self.ledger, folder, self.selected_at), "listing")

    def store(self):
        key = self.pick_own()
        if not key:
            return
        folder, uid = key
        self.select(folder)
        chosen = {f for f in FLAGS if self.rng.random() < 0.4}
        mode = self.rng.choice(("FLAGS", "+FLAGS", "-FLAGS"))
        self.m.untagged_responses.pop("FETCH", None)
        data = self.ok(self.m.uid("STORE", str(uid), mode, "(" + " ".join(sorted(chosen)) + ")"),
                       f"UID STORE {uid}")
        flags = self.own[key][1]
        if mode == "FLAGS":
            flags.clear()
            flags |= chosen
        elif mode == "+FLAGS":
            flags |= chosen
        else:
            flags -= chosen
        answers = [d for d in data if d and re.search(rb"UID %d FLAGS" % uid, d)]
        if not answers:  # Dovecot says nothing when the flags stay as they were: ask
            self.m.untagged_responses.pop("FETCH", None)
            data = self.ok(self.m.uid("FETCH", str(uid), "(UID FLAGS)"), f"UID FETCH {uid} FLAGS")
            answers = [d for d in data if d and re.search(rb"UID %d FLAGS" % uid, d)]
            if not answers:
                self.fail(f"UID STORE {uid} in {folder}: no flags in {data}")
        reported = frozenset(FLAGS_ITEM.search(answers[-1]).group(1).decode().split()) - {"\\Recent"}
        if reported != frozenset(flags):
            self.fail(f"UID STORE {mode} {sorted(chosen)} on {folder} UID {uid}: "
                      f"reported {sorted(reported)}, expected {sorted(flags)}")

    def delete(self):
        key = self.pick_own()
        if not key:
            return
        folder, uid = key
        self.select(folder)
        self.ok(self.m.uid("STORE", str(uid), "+FLAGS.SILENT", "(\\Deleted)"), f"UID STORE \\Deleted {uid}")
        # Plain EXPUNGE also removes what other owners are deleting right now: that is theirs to
        # expect (their instance goes either way).
        if self.rng.random() < 0.5:
            self.ok(self.m.uid("EXPUNGE", str(uid)), f"UID EXPUNGE {uid}")
        else:
            self.ok(self.m.expunge(), "EXPUNGE")
        del self.own[key]
        with self.ledger.lock:
            self.ledger.gone[key] = time.monotonic()
        self.m.untagged_responses.pop("FETCH", None)
        typ, data = self.m.uid("FETCH", str(uid), "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
        if any(isinstance(d, tuple) and re.search(rb"UID %d\b" % uid, d[0]) for d in data):
            self.fail(f"{folder} UID {uid} still there after EXPUNGE: {data}")

    def transfer(self, move):
        key = self.pick_own()
        if not key:
            return
        folder, uid = key
        target = FOLDERS[1 - FOLDERS.index(folder)]
        self.select(folder)
        floor = self.ledger.floor(target)
        self.m.untagged_responses.pop("COPYUID", None)
        # imaplib's uid() returns untagged FETCHes, not the tagged text holding COPY's COPYUID.
        data = self.ok(self.m._simple_command("UID", "MOVE" if move else "COPY", str(uid), target),
                       f"UID {'MOVE' if move else 'COPY'} {uid}")
        if move:  # RFC 6851: COPYUID in an untagged OK before the EXPUNGE
            code = self.m.untagged_responses.pop("COPYUID", [b""])[-1]
            text = "COPYUID " + code.decode() + "]"
        else:
            text = data[0].decode()
        validity, uids = uid_code(text, "COPYUID")
        if len(uids) != 1:
            self.fail(f"UID {'MOVE' if move else 'COPY'} {folder} {uid}: no COPYUID in {text!r}")
        self.ledger.saw_validity(self.n, target, validity)
        mid, flags = self.own[key]
        self.ledger.new_uid(self.n, target, uids[0], mid, floor)
        self.own[(target, uids[0])] = [mid, set(flags)]
        if move:
            del self.own[key]
            with self.ledger.lock:
                self.ledger.gone[key] = time.monotonic()

    def read(self):
        key = self.pick_own()
        if not key:
            return
        folder, uid = key
        self.select(folder)
        self.m.untagged_responses.pop("FETCH", None)
        data = self.ok(self.m.uid("FETCH", str(uid), "(BODY[])"), f"UID FETCH BODY[] {uid}")
        bodies = [d[1] for d in data if isinstance(d, tuple)]
        mid = self.own[key][0]
        if not bodies or f"body of {mid}".encode() not in bodies[0]:
            self.fail(f"UID FETCH BODY[] {folder} {uid}: not {mid}: {data!r}")
        self.own[key][1].add("\\Seen")

    def fresh(self):
        """A new session's view of this client's instances in one folder."""
        folder = self.rng.choice(FOLDERS)
        other = login(self.port)
        try:
            other.untagged_responses.pop("UIDVALIDITY", None)
            since = time.monotonic()
            self.ok(other.select(folder, readonly=True), f"EXAMINE {folder}")
            self.ledger.saw_validity(self.n, folder, int(other.response("UIDVALIDITY")[1][-1]))
            self.check_own(folder, listing(other, self.n, self.ledger, folder, since), "fresh session")
        finally:
            other.logout()

    def run(self):
        ops = [(self.append, 4), (self.fetch, 3), (self.store, 3), (self.delete, 1.5),
               (lambda: self.transfer(True), 1.5), (lambda: self.transfer(False), 1), (self.read, 0.7),
               (self.fresh, 0.5)]
        try:
            self.m = login(self.port)
            while time.monotonic() < self.until and not self.ledger.failures:
                op = self.rng.choices([o for o, _ in ops], [w for _, w in ops])[0]
                op()
                with self.ledger.lock:
                    self.ledger.ops += 1
            self.m.logout()
        except Exception as e:  # noqa: BLE001  (any failure, imaplib's included, ends the run)
            self.error = e
            where = "" if isinstance(e, Inconsistent) else "\n" + traceback.format_exc()
            with self.ledger.lock:
                self.ledger.failures.append(f"client {self.n}: {type(e).__name__}: {e}{where}")


def stress(port, folder_dir):
    """Runs the clients against the server on `port` (bob's INBOX and Shared, whose Maildir is
    folder_dir(name)) and checks the end state."""
    seed = int(os.environ.get("LAYER7_STRESS_SEED", random.SystemRandom().randrange(1, 1 << 30)))
    print(f"stress seed {seed} ({CLIENTS} clients, {SECONDS:g} s): LAYER7_STRESS_SEED={seed} replays it")
    m = login(port)
    assert m.create("Shared")[0] == "OK"
    m.logout()

    ledger = Ledger(seed)
    clients = [Client(n, port, ledger, time.monotonic() + SECONDS) for n in range(CLIENTS)]
    for c in clients:
        c.start()
    for c in clients:
        c.join(SECONDS + 120)
    assert not any(c.is_alive() for c in clients), f"seed {seed}: a client hung"
    assert not ledger.failures, f"seed {seed}:\n" + "\n".join(ledger.failures)
    assert ledger.ops > CLIENTS * 2, f"seed {seed}: only {ledger.ops} operations in {SECONDS} s"

    # The end state through a fresh session: exactly the live instances, with their flags.
    live = {}
    for c in clients:
        live.update(c.own)
    check = login(port)
    seen_mids = []
    on_disk = 0
    for folder in FOLDERS:
        check.untagged_responses.pop("UIDVALIDITY", None)
        assert check.select(folder, readonly=True)[0] == "OK"
        ledger.saw_validity("end", folder, int(check.response("UIDVALIDITY")[1][-1]))
        seen = listing(check, "end", ledger, folder, time.monotonic())
        expected = {uid: (mid, frozenset(flags)) for (f, uid), (mid, flags) in live.items() if f == folder}
        missing = sorted(set(expected) - set(seen))
        extra = sorted(set(seen) - set(expected))
        assert not missing and not extra, (f"seed {seed}: {folder}: missing {[(u, expected[u]) for u in missing]}, "
                                           f"unexpected {[(u, seen[u]) for u in extra]}")
        wrong = {u: (seen[u], expected[u]) for u in seen if seen[u] != expected[u]}
        assert not wrong, f"seed {seed}: {folder}: (seen, expected) differ: {wrong}"
        seen_mids += [mid for mid, _ in seen.values()]
        on_disk += sum(len(os.listdir(folder_dir(folder) / d)) for d in ("new", "cur"))
    check.logout()
    deleted = ledger.appended - {mid for mid, _ in live.values()}
    assert set(seen_mids) == ledger.appended - deleted
    assert len(seen_mids) == len(live) == on_disk, f"seed {seed}: {len(seen_mids)} listed, {on_disk} files"
    print(f"stress seed {seed}: {ledger.ops} operations, {len(ledger.appended)} appended, "
          f"{len(deleted)} deleted, {len(live)} instances left")


def test_twenty_sessions(tmp_path, layer7):
    data = tmp_path / "data"
    data.mkdir()
    add_user(data / "users", "bob", "hungry", DOMAIN)
    port, proc = start_imap(layer7, data)
    stress(port, lambda folder: maildir_of(data) if folder == "INBOX" else maildir_of(data) / f".{folder}")


@pytest.mark.reference
def test_twenty_sessions_on_dovecot():
    """The same run against Dovecot, to validate the harness: what it calls inconsistent must be."""
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail"))
    from test_fetch import start_dovecot
    from test_dovecot_crosscheck import NAMESPACE
    base = pathlib.Path(tempfile.mkdtemp(prefix="layer7-stress-dovecot-"))
    base.chmod(0o755)
    (base / "mail").mkdir()
    more = "protocol imap {\n  mail_max_userip_connections = 100\n}\n"  # 20 clients + fresh sessions
    proc, port = start_dovecot(base, base / "mail", "imap", NAMESPACE + more)
    try:
        if not proc:
            pytest.skip("dovecot imap did not start (dovecot-imapd not installed?)")
        box = base / "mail" / "bob"
        stress(port, lambda folder: box if folder == "INBOX" else box / f".{folder}")
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(base, ignore_errors=True)
