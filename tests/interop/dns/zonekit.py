"""Primaries and secondaries for the dynamic-zone interop tests (RFC 2136 UPDATE, RFC 8945 TSIG,
RFC 1996 NOTIFY, RFC 1995 IXFR): `layer7 dns serve`, and BIND, NSD and Knot on loopback.

Every peer runs in the foreground with its files under the test's tmp_path and listens on a free
port of 127.0.0.1. Each wait polls with a deadline. BIND's named stands in for layer7 as the
`reference` primary (skipped unless LAYER7_REFERENCE=1): it validates the harness itself.
"""
import base64
import os
import re
import shutil
import signal
import time

import pytest

from conftest import Process, free_port, layer7_bin, run

HOST = "127.0.0.1"
ORIGIN = "example.test."
OTHER = "static.test."  # a zone served without --allow-update

# Log lines of `layer7 dns serve` (info, stderr) the tests wait on. One place, so that a change of
# wording is one edit.
L7_UPDATE = r"dns: UPDATE {zone} by {key}\.? from 127\.0\.0\.1: serial (\d+) → (\d+)"
L7_UPDATE_REFUSED = r"dns: UPDATE .*refused"
L7_IXFR = r"dns: IXFR {zone} to 127\.0\.0\.1: serial (\d+) → (\d+), (\d+) changes?"
L7_AXFR = r"dns: AXFR {zone} to 127\.0\.0\.1: (?:serial \d+, )?(\d+) records"
L7_NOTIFY_ACK = r"dns: NOTIFY {zone} serial (\d+) to 127\.0\.0\.1:{port}: acknowledged"
L7_SECONDARY = r"dns: {zone} serial (\d+) from 127\.0\.0\.1:{port} by (IXFR|AXFR)"
L7_READY = "layer7 is up"

# The same events in BIND 9.18's log (named -g), for the reference runs.
NAMED_UPDATE = r"updating zone '{zone_nodot}/IN'"
NAMED_IXFR = r"\(({zone_nodot})\): transfer of '{zone_nodot}/IN': IXFR ended"
NAMED_AXFR = r"\(({zone_nodot})\): transfer of '{zone_nodot}/IN': AXFR ended"
NAMED_XFR_IN = r"zone {zone_nodot}/IN: transferred serial (\d+)"
NAMED_READY = "all zones loaded"


def poll(check, deadline, interval=0.02, what="condition"):
    """Calls check() until it returns a true value (returned) or `deadline` seconds pass."""
    end = time.monotonic() + deadline
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= end:
            raise TimeoutError(f"{what} not met within {deadline}s (last: {value!r})")
        time.sleep(interval)


def count_lines(proc, pattern):
    """How many lines of a Process's output match `pattern` (output read so far, pumped first)."""
    proc._pump(0)
    return sum(1 for l in proc.out_lines + proc.err_lines if re.search(pattern, l))


def wait_lines(proc, pattern, n, deadline):
    """Waits until at least n lines of proc's output match; returns the matching lines."""
    def enough():
        proc._pump(0)
        lines = [l for l in proc.out_lines + proc.err_lines if re.search(pattern, l)]
        return lines if len(lines) >= n else None
    try:
        return poll(enough, deadline, what=f"{n} × /{pattern}/")
    except TimeoutError as e:
        raise TimeoutError(f"{e}\n--- output of {proc.args[0]}:\n{proc.output()[-6000:]}") from None


# ---------------------------------------------------------------- TSIG keys

class Key:
    """A TSIG key (RFC 8945) and its spelling in each tool's configuration."""

    def __init__(self, name, algorithm="hmac-sha256", secret=None):
        self.name = name
        self.algorithm = algorithm
        self.secret = secret or base64.b64encode(os.urandom(32)).decode()

    def y(self):  # nsupdate -y and layer7 --key
        return f"{self.algorithm}:{self.name}:{self.secret}"

    def bind(self):  # named.conf, a key file for nsupdate -k and layer7 --key-file
        return f'key "{self.name}" {{\n\talgorithm {self.algorithm};\n\tsecret "{self.secret}";\n}};\n'

    def nsd(self):
        return f"key:\n    name: {self.name}\n    algorithm: {self.algorithm}\n    secret: \"{self.secret}\"\n"

    def knot(self):
        return f"  - id: {self.name}\n    algorithm: {self.algorithm}\n    secret: {self.secret}\n"

    def keyring(self):
        import dns.tsigkeyring
        return dns.tsigkeyring.from_text({self.name: (self.algorithm, self.secret)})


def tsig_keygen(name, path):
    """A key file as `tsig-keygen -a hmac-sha256 NAME` writes it (the tool itself when installed: it
    comes with the bind9 package, which only `tools/setup.sh bench` installs)."""
    tool = shutil.which("tsig-keygen") or ("/usr/sbin/tsig-keygen" if os.path.exists("/usr/sbin/tsig-keygen") else None)
    if tool:
        r = run([tool, "-a", "hmac-sha256", name])
        assert r.returncode == 0, r.stderr
        text = r.stdout
    else:
        text = Key(name).bind()
    with open(path, "w") as f:
        f.write(text)
    m = re.search(r'algorithm ([\w-]+);\s*secret "([^"]+)";', text)
    return Key(name, m.group(1), m.group(2))


# ---------------------------------------------------------------- zones, dig, nsupdate

def zone_text(origin=ORIGIN, serial=1, extra=""):
    return (f"$ORIGIN {origin}\n$TTL 300\n"
            f"@ IN SOA ns1 hostmaster {serial} 3600 600 86400 300\n"
            "@ IN NS ns1\n"
            "ns1 IN A 192.0.2.1\n"
            "www IN A 192.0.2.80\n"
            "old IN TXT \"to be deleted\"\n"
            "multi IN A 192.0.2.10\n"
            "multi IN A 192.0.2.11\n"
            "gone IN A 192.0.2.9\n"
            "gone IN TXT \"the whole name goes\"\n" + extra)


def write_zone(path, origin=ORIGIN, serial=1, extra=""):
    with open(path, "w") as f:
        f.write(zone_text(origin, serial, extra))
    return path


def dig(port, *args, server=HOST):
    r = run(["dig", f"@{server}", "-p", str(port), "+time=1", "+tries=1", "+norec", *args])
    return r.stdout if r.returncode == 0 else ""


def answers(port, name, rtype):
    """The rdata strings of name/rtype, sorted ([] when absent or no answer)."""
    out = run(["dig", f"@{HOST}", "-p", str(port), "+time=1", "+tries=2", "+norec", "+short", name, rtype])
    return sorted(l for l in out.stdout.splitlines() if l and not l.startswith(";"))


def serial(port, origin=ORIGIN):
    """The SOA serial a server answers for origin, or None (no answer, not authoritative yet)."""
    out = dig(port, origin, "SOA")
    if "status: NOERROR" not in out:
        return None
    m = re.search(rf"^{re.escape(origin)}\s+\d+\s+IN\s+SOA\s+\S+\s+\S+\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else None


def wait_serial(port, want, deadline, origin=ORIGIN):
    """Polls the SOA serial on port until it is at least `want`; returns it."""
    return poll(lambda: (s := serial(port, origin)) is not None and s >= want and s, deadline,
                what=f"serial ≥ {want} on port {port}")


def nsupdate(port, body, key=None, keyfile=None, zone=ORIGIN, tcp=False):
    """Runs nsupdate with `body` (update commands) against port; returns CompletedProcess.
    zone=None leaves the zone to nsupdate's SOA discovery."""
    script = f"server {HOST} {port}\n" + (f"zone {zone}\n" if zone else "") + body.strip() + "\nsend\nquit\n"
    args = ["nsupdate", "-t", "5"] + (["-v"] if tcp else [])
    if key:
        args += ["-y", key.y()]
    if keyfile:
        args += ["-k", keyfile]
    return run(args, input=script, timeout=30)


# ---------------------------------------------------------------- primaries

class Layer7Primary:
    """`layer7 dns serve` as the primary of example.test. (dynamic) and static.test. (not)."""
    name = "layer7"

    def __init__(self, layer7, tmp, keys, keyfile, allow, notify=(), transfer_key=None, threads=2,
                 port=None):
        self.layer7, self.tmp = layer7, str(tmp)
        self.port = port or free_port()
        self.zone_file = os.path.join(self.tmp, "example.test.zone")
        self.other_file = os.path.join(self.tmp, "static.test.zone")
        if not os.path.exists(self.zone_file):
            write_zone(self.zone_file)
            write_zone(self.other_file, OTHER)
        args = ["--threads", str(threads), "--data", os.path.join(self.tmp, "layer7-data"),
                "dns", "serve", "--listen", f"{HOST}:{self.port}",
                "--zone", f"{ORIGIN}={self.zone_file}", "--zone", f"{OTHER}={self.other_file}",
                "--axfr-allow", "127.0.0.1"]
        for k in keys:  # hmac-sha256 keys without the ALG: prefix (the default)
            args += ["--key", k.y() if k.algorithm != "hmac-sha256" else f"{k.name}:{k.secret}"]
        if keyfile:
            args += ["--key-file", keyfile]
        for k in allow:
            args += ["--allow-update", f"{ORIGIN}={k}"]
        for p in notify:
            args += ["--notify", f"{HOST}:{p}"]
        if transfer_key:
            args += ["--transfer-key", transfer_key]
        self.args = args
        self.proc = None

    def start(self):
        self.proc = self.layer7(*self.args, ready=L7_READY, deadline=30)
        return self

    def stop(self):
        rc, _ = self.proc.stop()
        assert rc == 0, f"layer7 exited {rc}:\n{self.proc.output()}"

    def output(self):
        return self.proc.output()

    def updates(self, key):
        return count_lines(self.proc, L7_UPDATE.format(zone=re.escape(ORIGIN), key=re.escape(key)))

    def wait_ixfr(self, n, deadline):
        return wait_lines(self.proc, L7_IXFR.format(zone=re.escape(ORIGIN)), n, deadline)

    def axfrs(self):
        return count_lines(self.proc, L7_AXFR.format(zone=re.escape(ORIGIN)))

    def flush(self):
        """layer7 rewrites the zone file by itself ~1 s after the last change."""


class NamedPrimary:
    """BIND 9 named as the same primary: the reference the harness is validated against."""
    name = "named"

    def __init__(self, tmp, keys, keyfile, allow, notify=(), transfer_key=None, threads=2, port=None):
        self.tmp = str(tmp)
        self.dir = os.path.join(self.tmp, "named")
        os.makedirs(self.dir, exist_ok=True)
        self.port = port or free_port()
        self.ctl_port = free_port()
        self.zone_file = os.path.join(self.tmp, "example.test.zone")
        self.other_file = os.path.join(self.tmp, "static.test.zone")
        if not os.path.exists(self.zone_file):
            write_zone(self.zone_file)
            write_zone(self.other_file, OTHER)
        self.rndc_key = Key("rndc-key")
        conf = [self.rndc_key.bind()]
        conf += [k.bind() for k in keys]
        if keyfile:
            conf.append(f'include "{keyfile}";')
        xfr = f"key {transfer_key};" if transfer_key else "127.0.0.1;"
        also = " ".join(f"{HOST} port {p};" for p in notify)
        conf.append(f"""
options {{
    directory "{self.dir}";
    pid-file "{self.dir}/named.pid";
    session-keyfile "{self.dir}/session.key";
    managed-keys-directory "{self.dir}";
    listen-on port {self.port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    notify explicit;
    notify-delay 0;
    ixfr-from-differences yes;
    max-ixfr-ratio unlimited;  # else an IXFR bigger than the (small) zone goes out as AXFR
    allow-transfer {{ {xfr} }};
    notify-source 127.0.0.1;
    transfer-source 127.0.0.1;
    startup-notify-rate 1000;
    notify-rate 1000;
}};
controls {{ inet 127.0.0.1 port {self.ctl_port} allow {{ 127.0.0.1; }} keys {{ "rndc-key"; }}; }};
zone "{ORIGIN}" {{
    type primary;
    file "{self.zone_file}";
    journal "{self.zone_file}.jnl";
    allow-update {{ {" ".join(f"key {k};" for k in allow) or "none;"} }};
    {f"also-notify {{ {also} }};" if also else ""}
}};
zone "{OTHER}" {{ type primary; file "{self.other_file}"; }};
""")
        self.conf = os.path.join(self.dir, "named.conf")
        with open(self.conf, "w") as f:
            f.write("\n".join(conf))
        self.threads = threads
        self.proc = None

    def start(self):
        named = shutil.which("named") or "/usr/sbin/named"
        if not os.path.exists(named):
            pytest.skip("named missing (tools/setup.sh bench installs bind9)")
        self.proc = start_peer([named, "-g", "-n", str(self.threads), "-c", self.conf], NAMED_READY, 30,
                               lambda: wait_serial(self.port, 1, 10))
        return self

    def stop(self):
        rc, _ = self.proc.stop()
        assert rc == 0, f"named exited {rc}:\n{self.proc.output()}"

    def output(self):
        return self.proc.output()

    def updates(self, key):
        return count_lines(self.proc, NAMED_UPDATE.format(zone_nodot=re.escape(ORIGIN.rstrip("."))))

    def wait_ixfr(self, n, deadline):
        return wait_lines(self.proc, NAMED_IXFR.format(zone_nodot=re.escape(ORIGIN.rstrip("."))), n, deadline)

    def axfrs(self):
        return count_lines(self.proc, NAMED_AXFR.format(zone_nodot=re.escape(ORIGIN.rstrip("."))))

    def flush(self):
        """named writes a dynamic zone's file only every 15 minutes: `rndc sync` does it now."""
        keyfile = os.path.join(self.dir, "rndc.key")
        with open(keyfile, "w") as f:
            f.write(self.rndc_key.bind())
        r = run(["rndc", "-s", HOST, "-p", str(self.ctl_port), "-k", keyfile, "sync", ORIGIN.rstrip(".")])
        assert r.returncode == 0, r.stdout + r.stderr


def start_peer(args, ready, deadline, check=None):
    """Starts a peer program; waits for the line `ready` and then for check() (when given). A peer
    that does not come up is killed before the error propagates: no process outlives its test."""
    proc = Process(args, ready=None)
    try:
        proc.wait_output(ready, deadline)
        if check:
            check()
    except BaseException:
        proc.stop(signal.SIGKILL)
        raise
    return proc


def stop_all(procs):
    """Stops peers (Process objects) still running, SIGTERM then SIGKILL after 10 s."""
    for p in procs:
        if p.proc is not None and p.proc.proc.poll() is None:
            try:
                p.stop()
            except (TimeoutError, AssertionError):
                pass


# ---------------------------------------------------------------- secondaries: NSD and Knot

def nsd_conf(d, port, zones, keys=(), verbosity=2, control=False):
    """An NSD 4 config running as the current user in folder d: no chroot, no username, no database
    (zone files written back instead), log to d/nsd.log. zones: list of (name, lines) where lines are
    the zone's pattern statements."""
    os.makedirs(d, exist_ok=True)
    text = f"""server:
    ip-address: {HOST}
    port: {port}
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "{d}"
    pidfile: "{d}/nsd.pid"
    database: ""
    xfrdfile: "{d}/xfrd.state"
    xfrdir: "{d}"
    zonelistfile: "{d}/zone.list"
    logfile: "{d}/nsd.log"
    verbosity: {verbosity}
    zonefiles-write: 0
    reuseport: no
    refuse-any: no
    xfrd-reload-timeout: 0
remote-control:
    control-enable: {"yes" if control else "no"}
""" + (f'    control-interface: "{d}/nsd.ctl"\n' if control else "")
    text += "".join(k.nsd() for k in keys)
    for name, lines in zones:
        text += f"zone:\n    name: {name}\n" + "".join(f"    {l}\n" for l in lines)
    path = os.path.join(d, "nsd.conf")
    with open(path, "w") as f:
        f.write(text)
    return path


class Nsd:
    """NSD in the foreground (-d) on its own config."""
    name = "nsd"

    def __init__(self, tmp, conf_lines_for, keys=(), control=False, port=None):
        self.dir = os.path.join(str(tmp), "nsd")
        os.makedirs(self.dir, exist_ok=True)
        self.port = port or free_port()
        self.conf = nsd_conf(self.dir, self.port, conf_lines_for(self.dir), keys, control=control)
        self.proc = None

    def start(self):
        # NSD answers once its server processes are forked; the zone may still be empty.
        def listening():
            poll(lambda: dig(self.port, "version.bind", "TXT", "CH") or self.proc.proc.poll() is not None,
                 15, what="nsd listening")
            assert self.proc.proc.poll() is None, self.log()
        self.proc = Process(["nsd", "-d", "-c", self.conf], ready=None)
        try:
            listening()
        except BaseException:
            self.proc.stop()  # SIGTERM: a SIGKILL would leave xfrd and the servers behind
            raise
        return self

    def stop(self):
        self.proc.stop()

    def log(self):
        try:
            with open(os.path.join(self.dir, "nsd.log")) as f:
                return f.read()
        except OSError:
            return ""

    def output(self):
        return self.proc.output() + "\n" + self.log()

    def reload(self):
        """Re-reads changed zone files: SIGHUP to the main process (nsd -d's own pid)."""
        self.proc.proc.send_signal(signal.SIGHUP)


def nsd_secondary(tmp, primary_port, key=None, port=None):
    """NSD as a secondary of example.test. at 127.0.0.1:primary_port, transfers signed with key."""
    def zones(d):
        k = key.name if key else "NOKEY"
        lines = [f'zonefile: "{d}/example.test.zone"',
                 f"allow-notify: {HOST} NOKEY", f"request-xfr: {HOST}@{primary_port} {k}"]
        if key:
            lines.insert(1, f"allow-notify: {HOST} {key.name}")
        return [(ORIGIN.rstrip("."), lines)]
    return Nsd(tmp, zones, keys=[key] if key else [], port=port)


class Knot:
    """Knot DNS (knotd) in the foreground as a secondary of example.test."""
    name = "knot"

    def __init__(self, tmp, primary_port, key=None, port=None):
        self.dir = os.path.join(str(tmp), "knot")
        os.makedirs(os.path.join(self.dir, "db"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "zones"), exist_ok=True)
        self.port = port or free_port()
        keys = f"key:\n{key.knot()}" if key else ""
        text = f"""server:
    rundir: "{self.dir}"
    pidfile: "{self.dir}/knot.pid"
    listen: {HOST}@{self.port}
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1
log:
  - target: stderr
    any: info
database:
    storage: "{self.dir}/db"
control:
    listen: "{self.dir}/knot.sock"
{keys}remote:
  - id: primary
    address: {HOST}@{primary_port}
{f"    key: {key.name}" if key else ""}
acl:
  - id: notify_signed
    address: {HOST}
    action: notify
{f"    key: {key.name}" if key else ""}
  - id: notify_plain
    address: {HOST}
    action: notify
template:
  - id: default
    storage: "{self.dir}/zones"
    file: "%s.zone"
zone:
  - domain: {ORIGIN}
    master: primary
    acl: [notify_signed, notify_plain]
"""
        self.conf = os.path.join(self.dir, "knot.conf")
        with open(self.conf, "w") as f:
            f.write(text)
        self.proc = None

    def start(self):
        self.proc = start_peer(["knotd", "-c", self.conf], "server started", 15)
        return self

    def stop(self):
        self.proc.stop()

    def output(self):
        return self.proc.output()


# ---------------------------------------------------------------- layer7 and named as secondaries

def nsd_primary(tmp, notify_port, key=None, port=None):
    """NSD as the primary of example.test. (zone file d/example.test.zone, serial 1), NOTIFY to
    127.0.0.1:notify_port, transfers to 127.0.0.1 (signed with key when given)."""
    def zones(d):
        write_zone(os.path.join(d, "example.test.zone"))
        k = key.name if key else "NOKEY"
        return [(ORIGIN.rstrip("."), [f'zonefile: "{d}/example.test.zone"',
                                      f"notify: {HOST}@{notify_port} {k}", f"provide-xfr: {HOST} {k}"])]
    return Nsd(tmp, zones, keys=[key] if key else [], port=port)


class Layer7Secondary:
    """`layer7 dns serve --secondary example.test.=127.0.0.1:PRIMARY`."""
    name = "layer7"

    def __init__(self, layer7, tmp, primary_port, key=None, port=None):
        self.layer7 = layer7
        self.port = port or free_port()
        self.data = os.path.join(str(tmp), "layer7-data")
        self.zone_file = os.path.join(self.data, "dns", "secondary", "example.test.zone")
        self.args = ["--data", self.data, "dns", "serve", "--listen", f"{HOST}:{self.port}",
                     "--secondary", f"{ORIGIN}={HOST}:{primary_port}", "--axfr-allow", "127.0.0.1"]
        if key:
            self.args += ["--key", key.y(), "--primary-key", key.name]
        self.proc = None

    def start(self):
        self.proc = self.layer7(*self.args, ready=L7_READY, deadline=30)
        return self

    def stop(self):
        rc, _ = self.proc.stop()
        assert rc == 0, f"layer7 exited {rc}:\n{self.proc.output()}"

    def output(self):
        return self.proc.output()

    def wait_transfers(self, n, deadline, primary_port):
        """The first n `serial S from PRIMARY by IXFR|AXFR` lines as (serial, kind)."""
        pattern = L7_SECONDARY.format(zone=re.escape(ORIGIN), port=primary_port)
        lines = wait_lines(self.proc, pattern, n, deadline)
        return [(int(m.group(1)), m.group(2)) for m in (re.search(pattern, l) for l in lines)]


class NamedSecondary:
    """BIND named as the same secondary: the reference for the layer7 runs."""
    name = "named"

    def __init__(self, tmp, primary_port, key=None, port=None):
        self.dir = os.path.join(str(tmp), "named-secondary")
        os.makedirs(self.dir, exist_ok=True)
        self.port = port or free_port()
        self.zone_file = os.path.join(self.dir, "example.test.zone")
        keyref = f" key {key.name}" if key else ""
        conf = (key.bind() if key else "") + f"""
options {{
    directory "{self.dir}";
    pid-file "{self.dir}/named.pid";
    session-keyfile "{self.dir}/session.key";
    managed-keys-directory "{self.dir}";
    listen-on port {self.port} {{ 127.0.0.1; }};
    listen-on-v6 {{ none; }};
    recursion no;
    dnssec-validation no;
    notify no;
    transfer-source 127.0.0.1;
    allow-transfer {{ 127.0.0.1; }};
}};
controls {{ }};
zone "{ORIGIN}" {{
    type secondary;
    file "{self.zone_file}";
    masterfile-format text;
    primaries {{ {HOST} port {primary_port}{keyref}; }};
    allow-notify {{ 127.0.0.1; }};
}};
"""
        self.conf = os.path.join(self.dir, "named.conf")
        with open(self.conf, "w") as f:
            f.write(conf)
        self.proc = None

    def start(self):
        named = shutil.which("named") or "/usr/sbin/named"
        if not os.path.exists(named):
            pytest.skip("named missing (tools/setup.sh bench installs bind9)")
        self.proc = start_peer([named, "-g", "-n", "1", "-c", self.conf], NAMED_READY, 30)
        return self

    def stop(self):
        rc, _ = self.proc.stop()
        assert rc == 0, f"named exited {rc}:\n{self.proc.output()}"

    def output(self):
        return self.proc.output()

    def wait_transfers(self, n, deadline, primary_port):
        """named's `transfer of 'example.test/IN' from 127.0.0.1#PORT: Transfer completed` lines,
        with the serial from the `transferred serial N` line and the kind from `Transfer status`
        (named logs 'IXFR' only when it got an incremental reply)."""
        done = wait_lines(self.proc, rf"zone {re.escape(ORIGIN.rstrip('.'))}/IN: transferred serial (\d+)", n, deadline)
        serials = [int(re.search(r"transferred serial (\d+)", l).group(1)) for l in done]
        kinds = [("IXFR" if "IXFR" in l else "AXFR") for l in self.proc.out_lines + self.proc.err_lines
                 if "Transfer completed" in l]
        return list(zip(serials, kinds))
