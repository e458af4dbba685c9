"""`layer7 dns resolve` over a private root → TLD → authoritative hierarchy on 127.0.x.y:53
(hierarchy.py): the same answers as Unbound pointed at the same root hints, once more with NSD as
one of the authoritatives, answers from cache without an upstream packet (counted in the
authoritatives' --trace output), TTL expiry, negative caching, the ACL, case, TCP.
"""
import os
import re
import select
import shutil
import subprocess
import time

import pytest

from conftest import Process, free_port, layer7_bin, run, stop_all
from hierarchy import dns_query, start_hierarchy, udp_exchange

HOST = "127.0.0.1"

# (name, type): the textbook's tree, each feature of iteration at least once.
QUESTIONS = [
    ("www.networkutopia.com", "A"),       # root → com → networkutopia.com, glue
    ("ftp.networkutopia.com", "A"),       # CNAME inside a zone
    ("networkutopia.com", "MX"),
    ("gaia.cs.umass.edu", "A"),           # two delegations below edu.
    ("www.cs.umass.edu", "A"),            # CNAME after two delegations
    ("alias.crepes.fr", "A"),             # CNAME across zones, then a CNAME inside hamburger.edu
    ("www.glueless.com", "A"),            # NS name out of bailiwick: resolved first
    ("hamburger.edu", "MX"),
    ("nope.networkutopia.com", "A"),      # NXDOMAIN
    ("www.networkutopia.com", "AAAA"),    # NODATA
    ("nope.nonexistent-tld", "A"),        # NXDOMAIN from the root
]


def root():
    if os.geteuid() != 0:
        pytest.skip("port 53 needs root")


class Started:
    """Processes started for a module; stopped (SIGTERM, exit 0 for layer7) at teardown."""

    def __init__(self):
        self.procs = []

    def layer7(self, *args, ready="layer7 is up"):
        p = Process([layer7_bin(), *args], ready=ready)
        self.procs.append(p)
        return p

    def stop(self):
        for p, rc in stop_all(self.procs):
            assert rc == 0, f"{p.args} exited {rc}:\n{p.output()}"


def wait_dns(port, name="www.networkutopia.com", deadline=10.0, proc=None):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode}")
        if udp_exchange(HOST, port, dns_query(name, rd=True), timeout=0.3):
            return
    raise TimeoutError(f"nothing answers DNS on {HOST}:{port}")


def dig(port, name, qtype="A", *extra):
    r = run(["dig", f"@{HOST}", "-p", str(port), "+tries=1", "+time=8", name, qtype, *extra], timeout=20)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout


def summary(out):
    """(status, flags, sorted answer RRsets without TTLs, names lower-cased)."""
    status = re.search(r"status: (\w+)", out).group(1)
    flags = re.search(r";; flags: ([a-z ]*);", out).group(1).split()
    answers, section = [], None
    for line in out.splitlines():
        if line.startswith(";; ANSWER SECTION"):
            section = "answer"
            continue
        if line.startswith(";;") or not line.strip():
            section = None if line.startswith(";;") else section
            continue
        if section == "answer":
            name, _ttl, klass, rtype, *data = line.split()
            answers.append((name.lower(), klass, rtype, " ".join(data).lower()))
    return status, flags, sorted(answers)


def start_unbound(tmp, hints_file):
    if not shutil.which("unbound"):
        pytest.skip("unbound not installed")
    port = free_port()
    conf = os.path.join(tmp, "unbound.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
    interface: 127.0.0.1@{port}
    port: {port}
    do-ip6: no
    username: ""
    chroot: ""
    directory: "{tmp}"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 0
    num-threads: 1
    root-hints: "{hints_file}"
    do-not-query-localhost: no
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
    qname-minimisation: no
    harden-glue: no
    harden-dnssec-stripped: no
    harden-referral-path: no
    minimal-responses: yes
remote-control:
    control-enable: no
""")
    proc = subprocess.Popen(["unbound", "-d", "-c", conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_dns(port, proc=proc)
    except Exception:
        proc.kill()
        pytest.fail(f"unbound did not start: {proc.stdout.read().decode(errors='replace')[-500:]}")
    return proc, port


def stop(proc):
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    """The layer7 hierarchy on 127.0.2.x with --trace, and our resolver pointed at its root."""
    root()
    tmp = str(tmp_path_factory.mktemp("resolver"))
    started = Started()
    try:
        h = start_hierarchy(lambda *a: started.layer7(*a), tmp, net=2, extra_args=("--trace",))
        port = free_port()
        resolver = started.layer7("dns", "resolve", "--listen", f"{HOST}:{port}", "--root-hints", h.hints_file)
        yield h, port, resolver, tmp
    finally:
        started.stop()


def drain(p):
    """Everything the process has printed so far (its replies went out after it printed)."""
    while p._pump(0.05):
        if not select.select([f for f in (p.proc.stdout, p.proc.stderr) if not f.closed], [], [], 0)[0]:
            break
    return p.out_lines + p.err_lines


def upstream_count(h, server_names, qname, qtype=None):
    """Queries for qname (of qtype, or any type) the servers have traced ("C: <id> <TYPE> <name>")."""
    pattern = re.compile(r" C: \d+ " + (re.escape(qtype) if qtype else r"\S+") + " " + re.escape(qname.lower()) + r"\.",
                         re.IGNORECASE)
    return sum(1 for s in server_names for line in drain(h.processes[s]) if pattern.search(line))


NU = ("dns1.networkutopia.com.", "dns2.networkutopia.com.")


def test_same_answers_as_unbound(tree):
    h, port, _, tmp = tree
    unbound, uport = start_unbound(tmp, h.hints_file)
    try:
        for name, qtype in QUESTIONS:
            ours, theirs = summary(dig(port, name, qtype)), summary(dig(uport, name, qtype))
            assert ours[0] == theirs[0], (name, qtype, ours, theirs)
            assert ours[2] == theirs[2], (name, qtype, ours, theirs)
            assert "ra" in ours[1] and "aa" not in ours[1], ours
    finally:
        stop(unbound)


def test_repeated_query_comes_from_cache(tree):
    h, port, _, _ = tree
    out = dig(port, "mail.networkutopia.com")
    assert "212.212.212.25" in out
    first = upstream_count(h, NU, "mail.networkutopia.com")
    assert first == 1
    ttl = int(re.search(r"mail\.networkutopia\.com\.\s+(\d+)", dig(port, "mail.networkutopia.com")).group(1))
    assert ttl <= 3600
    assert upstream_count(h, NU, "mail.networkutopia.com") == first
    # The root and com. are not asked again for a sibling either: the delegation is cached.
    above = ["a.root-servers.test.", "b.root-servers.test.", "a.gtld.com."]
    assert "mail.networkutopia.com" in dig(port, "networkutopia.com", "MX")
    assert upstream_count(h, above, "networkutopia.com", "MX") == 0


def test_ttl_expiry_asks_again(tree):
    h, port, _, _ = tree
    assert "212.212.212.2" in dig(port, "short.networkutopia.com")
    start = time.monotonic()
    assert upstream_count(h, NU, "short.networkutopia.com") == 1
    dig(port, "short.networkutopia.com")
    if time.monotonic() - start < 1.5:
        assert upstream_count(h, NU, "short.networkutopia.com") == 1
    # TTL 2: within a few seconds the cached entry expires and the next query goes upstream.
    deadline = start + 6
    while upstream_count(h, NU, "short.networkutopia.com") < 2:
        assert time.monotonic() < deadline, "short.networkutopia.com was never asked again"
        dig(port, "short.networkutopia.com")
        time.sleep(0.2)  # pacing the polling, not synchronisation: the count decides
    assert time.monotonic() - start >= 1.9


def test_negative_answers_are_cached(tree):
    h, port, _, _ = tree
    for name, qtype, status in (("gone.networkutopia.com", "A", "NXDOMAIN"),
                                ("www.networkutopia.com", "TXT", "NOERROR")):
        out = dig(port, name, qtype)
        assert f"status: {status}" in out and "ANSWER: 0" in out and "SOA" in out, out
        n = upstream_count(h, NU, name, qtype)
        assert n == 1
        out = dig(port, name, qtype)
        assert f"status: {status}" in out
        assert upstream_count(h, NU, name, qtype) == n, name
    # NXDOMAIN covers every type of the name (RFC 2308 §5).
    dig(port, "gone.networkutopia.com", "MX")
    assert upstream_count(h, NU, "gone.networkutopia.com") == 1


def test_case_ra_tcp_and_norec(tree):
    h, port, _, _ = tree
    out = dig(port, "WwW.NetworkUtopia.COM")
    assert ";WwW.NetworkUtopia.COM.\t\tIN\tA" in out
    assert "ra" in summary(out)[1]
    out = dig(port, "www.crepes.fr", "A", "+tcp")
    assert "192.0.2.80" in out and "status: NOERROR" in out


def test_trace_shows_the_iteration(tree):
    h, _, _, tmp = tree
    port = free_port()
    p = Process([layer7_bin(), "--trace", "dns", "resolve", "--listen", f"{HOST}:{port}", "--root-hints",
                 h.hints_file])
    try:
        dig(port, "gaia.cs.umass.edu")
        lines = "\n".join(drain(p))
        assert re.search(r"C: @127\.0\.2\.[23]:53 \(\.\) gaia\.cs\.umass\.edu\. A", lines), lines
        assert "C: @127.0.2.5:53 (edu.) gaia.cs.umass.edu. A" in lines
        assert "C: @127.0.2.10:53 (cs.umass.edu.) gaia.cs.umass.edu. A" in lines
        assert "NOERROR answer" in lines
    finally:
        assert p.stop()[0] == 0


def test_acl_refuses_other_clients(tree):
    h, _, _, _ = tree
    port = free_port()
    started = Started()
    try:
        started.layer7("dns", "resolve", "--listen", f"{HOST}:{port}", "--root-hints", h.hints_file,
                       "--allow", "127.0.0.1/32")
        assert "status: NOERROR" in dig(port, "www.networkutopia.com")
        out = dig(port, "www.networkutopia.com", "A", "-b", "127.0.0.9")
        assert "status: REFUSED" in out and "ANSWER: 0" in out
    finally:
        started.stop()


def start_nsd(tmp, address, origin, zone_file):
    if not shutil.which("nsd"):
        pytest.skip("nsd not installed")
    conf = os.path.join(tmp, "nsd.conf")
    with open(conf, "w") as f:
        f.write(f"""server:
    ip-address: {address}
    port: 53
    username: ""
    chroot: ""
    zonesdir: "{tmp}"
    pidfile: "{tmp}/nsd.pid"
    database: ""
    xfrdfile: "{tmp}/xfrd.state"
    zonelistfile: "{tmp}/zone.list"
    logfile: "{tmp}/nsd.log"
    server-count: 1
    verbosity: 1
remote-control:
    control-enable: no
zone:
    name: {origin}
    zonefile: "{zone_file}"
""")
    proc = subprocess.Popen(["nsd", "-d", "-c", conf], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    end = time.monotonic() + 10
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"nsd would not start: {proc.stdout.read().decode(errors='replace')[-300:]}")
        reply = udp_exchange(address, 53, dns_query(origin), timeout=0.3)
        if reply:
            return proc
    proc.kill()
    pytest.fail("nsd did not answer")


def test_with_nsd_in_the_hierarchy(tmp_path):
    """crepes.fr. and umass.edu. served by NSD; the rest by layer7; our resolver and Unbound agree."""
    root()
    tmp = str(tmp_path)
    started = Started()
    nsds = []
    try:
        h = start_hierarchy(lambda *a: started.layer7(*a), tmp, net=3,
                            skip=("dns.crepes.fr.", "dns.umass.edu."))
        for server, origin in (("dns.crepes.fr.", "crepes.fr."), ("dns.umass.edu.", "umass.edu.")):
            d = os.path.join(tmp, origin.rstrip("."))
            os.makedirs(d)
            nsds.append(start_nsd(d, h.address_of(server), origin.rstrip("."), h.zone_files[origin]))
        port = free_port()
        started.layer7("dns", "resolve", "--listen", f"{HOST}:{port}", "--root-hints", h.hints_file)
        unbound, uport = start_unbound(tmp, h.hints_file)
        nsds.append(unbound)
        for name, qtype in QUESTIONS + [("www.crepes.fr", "A"), ("crepes.fr", "MX"), ("nope.crepes.fr", "A"),
                                        ("www.umass.edu", "A")]:
            ours, theirs = summary(dig(port, name, qtype)), summary(dig(uport, name, qtype))
            assert ours[0] == theirs[0] and ours[2] == theirs[2], (name, qtype, ours, theirs)
        assert ("servereast.backup2.hamburger.edu.", "IN", "A", "128.119.40.186") in summary(dig(port, "alias.crepes.fr"))[2]
    finally:
        for p in nsds:
            stop(p)
        started.stop()
