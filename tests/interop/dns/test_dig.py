"""`layer7 dig` against our authoritative server and against NSD, and `layer7 dig +trace` through a
private root → TLD → authoritative hierarchy on 127.0.1.x:53, one step per server."""
import os
import re
import shutil
import subprocess
import time

import pytest

from conftest import free_port, layer7_bin, run
from hierarchy import start_hierarchy, udp_exchange, dns_query, write_test_zone
from test_resolver import Started

HOST = "127.0.0.1"


def l7dig(*args, timeout=30):
    return run([layer7_bin(), "dig", *args], timeout=timeout)


@pytest.fixture(scope="module")
def started():
    """The servers of this module, started once: its tests only query them."""
    s = Started()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def auth(started, tmp_path_factory):
    port = free_port()
    zone = write_test_zone(str(tmp_path_factory.mktemp("auth")))
    started.layer7("dns", "serve", "--zone", zone, "--listen", f"{HOST}:{port}")
    return port


def test_dig_prints_like_dig(auth):
    r = l7dig("www.example.test", "A", f"@{HOST}:{auth}")
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "; <<>> layer7 dig <<>> www.example.test A @127.0.0.1:" in out
    assert re.search(r";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \d+", out)
    assert re.search(r";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1", out), out
    assert ";; QUESTION SECTION:\n;www.example.test.\t\tIN\tA" in out
    assert "www.example.test.\t3600\tIN\tA\t192.0.2.80" in out
    assert re.search(r";; Query time: \d+ msec", out)
    assert f";; SERVER: 127.0.0.1#{auth}(127.0.0.1) (UDP)" in out
    assert re.search(r";; MSG SIZE  rcvd: \d+", out)


def test_dig_random_ids(auth):
    ids = set()
    for _ in range(5):
        out = l7dig("www.example.test", f"@{HOST}", "-p", str(auth)).stdout
        ids.add(re.search(r"id: (\d+)", out).group(1))
    assert len(ids) >= 4


def test_dig_norec_tcp_and_short(auth):
    out = l7dig("www.example.test", f"@{HOST}:{auth}", "+norec", "+tcp").stdout
    assert "rd" not in re.search(r";; flags: ([a-z ]*);", out).group(1).split()
    assert "(TCP)" in out
    assert l7dig("example.test", "MX", f"@{HOST}:{auth}", "+short").stdout == "10 mail.example.test.\n"


def test_dig_retries_over_tcp_on_tc(auth):
    out = l7dig("big.example.test", "TXT", f"@{HOST}:{auth}", "+noedns").stdout
    assert ";; Truncated, retrying in TCP mode." in out
    assert out.count("\tIN\tTXT\t") == 30 and "(TCP)" in out
    out = l7dig("big.example.test", "TXT", f"@{HOST}:{auth}", "+noedns", "+ignore").stdout
    assert " tc" in re.search(r";; flags:[a-z ]*;", out).group(0)


def test_dig_negative_and_refused(auth):
    out = l7dig("nothing.example.test", f"@{HOST}:{auth}").stdout
    assert "status: NXDOMAIN" in out and "IN\tSOA\t" in out
    assert "status: REFUSED" in l7dig("www.crepes.fr", f"@{HOST}:{auth}").stdout


def test_dig_axfr_uses_tcp_by_itself(layer7, tmp_path):
    port = free_port()
    zone = write_test_zone(str(tmp_path))
    layer7("dns", "serve", "--zone", zone, "--listen", f"{HOST}:{port}", "--axfr-allow", "127.0.0.1")
    r = l7dig("example.test", "AXFR", f"@{HOST}:{port}")  # no +tcp
    assert r.returncode == 0, r.stdout + r.stderr
    records = [l.split() for l in r.stdout.splitlines() if l and not l.startswith(";")]
    assert records[0][3] == "SOA" and records[-1][3] == "SOA"
    assert len(records) == 17 + 30 + 7 + 1  # every record, SOA twice, as real dig shows it
    assert f";; SERVER: 127.0.0.1#{port}(127.0.0.1) (TCP)" in r.stdout
    assert re.search(r";; XFR size: 55 records \(messages \d+, bytes \d+\)", r.stdout), r.stdout


def test_dig_axfr_spanning_several_messages(layer7, tmp_path):
    port = free_port()
    many = "".join(f"host{i} A 192.0.2.{i % 250 + 1}\n" for i in range(1500))  # ~45 KB: 3+ messages
    zone = write_test_zone(str(tmp_path), extra=many)
    layer7("dns", "serve", "--zone", zone, "--listen", f"{HOST}:{port}", "--axfr-allow", "127.0.0.1")
    r = l7dig("example.test", "AXFR", f"@{HOST}:{port}")
    assert r.returncode == 0, r.stdout + r.stderr
    records = [l for l in r.stdout.splitlines() if l and not l.startswith(";")]
    assert len(records) == 17 + 30 + 7 + 1 + 1500
    messages = int(re.search(r"messages (\d+)", r.stdout).group(1))
    assert messages >= 3


def test_dig_x_asks_for_ptr_of_ipv4_and_ipv6(layer7, tmp_path):
    port = free_port()
    reverse = tmp_path / "reverse.zone"
    reverse.write_text("$TTL 3600\n@ SOA ns admin 1 7200 3600 1209600 300\n@ NS ns.example.test.\n"
                       "80.2.0 PTR www.example.test.\n")
    six = tmp_path / "six.zone"
    six.write_text("$TTL 3600\n@ SOA ns admin 1 7200 3600 1209600 300\n@ NS ns.example.test.\n"
                   "0.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0 PTR www.example.test.\n")
    layer7("dns", "serve", "--zone", f"192.in-addr.arpa.={reverse}",
           "--zone", f"8.b.d.0.1.0.0.2.ip6.arpa.={six}", "--listen", f"{HOST}:{port}")
    r = l7dig("-x", "192.0.2.80", f"@{HOST}:{port}")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "80.2.0.192.in-addr.arpa.\t3600\tIN\tPTR\twww.example.test." in r.stdout, r.stdout
    r = l7dig("-x", "2001:db8::80", f"@{HOST}:{port}", "+short")
    assert (r.returncode, r.stdout) == (0, "www.example.test.\n"), r.stdout + r.stderr
    r = l7dig("-x", "not-an-address", f"@{HOST}:{port}")
    assert r.returncode != 0 and "not an IPv4 or IPv6 address" in r.stderr


def test_dig_timeout_and_retries():
    port = free_port()  # nothing listens: UDP gets ICMP port unreachable
    start = time.monotonic()
    r = l7dig("www.example.test", f"@{HOST}:{port}", "+time=1", "+tries=2")
    assert r.returncode == 9
    assert "communications error" in r.stdout or "no servers" in r.stdout
    assert time.monotonic() - start < 10


def test_dig_bad_arguments():
    assert l7dig("x.", "+bogus").returncode == 1
    assert l7dig("a..b").returncode == 1


# ---------------------------------------------------------------- against NSD

@pytest.fixture(scope="module")
def nsd(tmp_path_factory):
    if not shutil.which("nsd"):
        pytest.skip("nsd not installed")
    tmp_path = tmp_path_factory.mktemp("nsd")
    port = free_port()
    zone = write_test_zone(str(tmp_path))
    conf = tmp_path / "nsd.conf"
    conf.write_text(f"""server:
    ip-address: 127.0.0.1
    port: {port}
    username: ""
    chroot: ""
    zonesdir: "{tmp_path}"
    pidfile: "{tmp_path}/nsd.pid"
    database: ""
    xfrdfile: "{tmp_path}/xfrd.state"
    zonelistfile: "{tmp_path}/zone.list"
    logfile: "{tmp_path}/nsd.log"
    server-count: 1
    verbosity: 1
remote-control:
    control-enable: no
zone:
    name: example.test
    zonefile: "{zone}"
""")
    proc = subprocess.Popen(["nsd", "-d", "-c", str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    end = time.monotonic() + 10
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.skip(f"nsd would not start: {proc.stdout.read().decode(errors='replace')[-300:]}")
        if udp_exchange(HOST, port, dns_query("www.example.test"), timeout=0.2):
            break
    else:
        proc.kill()
        pytest.skip("nsd did not answer")
    yield port
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_dig_against_nsd(nsd):
    out = l7dig("www.example.test", "A", f"@{HOST}:{nsd}").stdout
    assert "status: NOERROR" in out and "www.example.test.\t3600\tIN\tA\t192.0.2.80" in out
    assert re.search(r";; flags: qr aa", out)
    out = l7dig("alias.example.test", f"@{HOST}:{nsd}").stdout
    assert out.count("\tCNAME\t") == 2
    out = l7dig("big.example.test", "TXT", f"@{HOST}:{nsd}", "+noedns").stdout
    assert ";; Truncated, retrying in TCP mode." in out and out.count("\tIN\tTXT\t") == 30
    out = l7dig("nothing.example.test", f"@{HOST}:{nsd}", "+tcp").stdout
    assert "status: NXDOMAIN" in out


def test_same_answers_as_nsd(nsd, auth):
    for q in (["www.example.test"], ["example.test", "MX"], ["alias.example.test"], ["x.dyn.example.test"],
              ["host.sub.example.test", "+norec"], ["nothing.example.test"], ["www.example.test", "MX"]):
        ours = l7dig(*q, f"@{HOST}:{auth}", "+short").stdout
        theirs = l7dig(*q, f"@{HOST}:{nsd}", "+short").stdout
        assert sorted(ours.splitlines()) == sorted(theirs.splitlines()), q


# ---------------------------------------------------------------- +trace through a private hierarchy

@pytest.fixture(scope="module")
def hierarchy(started, tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("port 53 needs root")
    return start_hierarchy(started.layer7, str(tmp_path_factory.mktemp("hierarchy")), net=1)


def test_dig_trace(hierarchy):
    r = l7dig("gaia.cs.umass.edu", "+trace", "--root-hints", hierarchy.hints_file)
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    steps = re.findall(r";; Received \d+ bytes from ([\d.]+)#53\(([^)]+)\)", out)
    servers = [name for _, name in steps]
    assert servers[0] in ("a.root-servers.test.", "b.root-servers.test.")
    assert servers[1:] == ["a.edu-servers.edu.", "dns.umass.edu.", "dns.cs.umass.edu."], out
    assert "edu.\t172800\tIN\tNS\ta.edu-servers.edu." in out
    assert "gaia.cs.umass.edu.\t3600\tIN\tA\t128.119.245.12" in out


def test_dig_trace_glueless_and_nxdomain(hierarchy):
    out = l7dig("www.glueless.com", "+trace", "--root-hints", hierarchy.hints_file).stdout
    assert "www.glueless.com.\t3600\tIN\tA\t192.0.2.80" in out, out
    assert "(dns.hamburger.edu.)" in out
    out = l7dig("nope.crepes.fr", "+trace", "--root-hints", hierarchy.hints_file).stdout
    assert ";; status: NXDOMAIN" in out and "(dns.crepes.fr.)" in out
