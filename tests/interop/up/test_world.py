"""The textbook's world in `layer7 up`: the DNS hierarchy walked by dig +trace and by our resolver,
Alice's mail to Bob taking the server-to-server hop by MX, the proxy finding www.hamburger.edu
through our resolver, the home page built from the printed rows, and the printed dev CA verifying
TLS. Real clients: dig, curl, python's smtplib, poplib and ssl, nsd-checkzone.
"""
import email
import glob
import html
import os
import poplib
import re
import shutil
import smtplib
import socket
import ssl
import subprocess
import time

import pytest

from conftest import layer7_bin, run
from worldkit import HOST, address_free, password, start_world

NET = 60           # the hierarchy on 127.0.60.2-9:53 (tests/interop/dns uses 127.0.0-3.x)
FALLBACK_NET = 61  # a hierarchy that cannot start


def need_root():
    if os.geteuid() != 0:
        pytest.skip("port 53 needs root")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    need_root()
    for i in range(2, 10):
        if not address_free(f"127.0.{NET}.{i}"):
            pytest.skip(f"127.0.{NET}.{i}:53 is in use")
    w = start_world(str(tmp_path_factory.mktemp("world")), NET)
    yield w
    w.stop()


def curl(*args):
    return subprocess.run(["curl", "-sS", "--max-time", "20", *args], capture_output=True, text=True, timeout=30)


# ---------------------------------------------------------------- the DNS hierarchy

def test_dig_trace_walks_root_tld_authoritative(world):
    _, command = world.row("dns-root")
    hints = os.path.join(world.data, "dns", "root.hints")
    assert command == f"layer7 dig www.hamburger.edu +trace --root-hints {hints}"
    r = run([layer7_bin(), "dig", "www.hamburger.edu", "+trace", "--root-hints", hints])
    assert r.returncode == 0, r.stderr
    steps = [line for line in r.stdout.splitlines() if line.startswith(";; Received ") and "bytes from" in line]
    assert [s.split(" from ")[1].split("(")[0] for s in steps] == [
        f"127.0.{NET}.2#53", f"127.0.{NET}.4#53", f"127.0.{NET}.8#53"], r.stdout  # root, edu, hamburger.edu
    assert "edu.\t172800\tIN\tNS\ta.edu-servers.edu." in r.stdout
    assert "serverEast.backup2.hamburger.edu.\t3600\tIN\tA\t127.0.0.1" in r.stdout


def test_real_dig_walks_the_referrals_by_their_glue(world):
    if not shutil.which("dig"):
        pytest.skip("dig not installed")
    # BIND's `dig +trace` looks the name servers' names up through the system resolver, which does not
    # know this private hierarchy (and would leave loopback), so the walk is done hop by hop with +norec:
    # each referral's glue is the address of the next server asked, as in the textbook's Figure 2.19.
    server, hops = f"127.0.{NET}.2", []
    for _ in range(4):
        r = subprocess.run(["dig", "+norec", "+nodnssec", "+time=5", f"@{server}", "gaia.cs.umass.edu", "A"],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        hops.append(server)
        answer = re.search(r"^gaia\.cs\.umass\.edu\.\s+\d+\s+IN\s+A\s+(\S+)$", r.stdout, re.M)
        if answer:
            assert answer.group(1) == "128.119.245.12"
            assert "flags: qr aa" in r.stdout, r.stdout
            break
        glue = re.findall(r"^\S+\s+\d+\s+IN\s+A\s+(127\.\S+)$", r.stdout.split("ADDITIONAL SECTION:")[-1], re.M)
        assert glue, r.stdout
        server = glue[0]
    assert hops == [f"127.0.{NET}.2", f"127.0.{NET}.4", f"127.0.{NET}.7"]  # root, edu, umass.edu


def test_resolver_iterates_from_the_private_root(world):
    port = world.ports["resolver"]
    def ask(name, qtype="A"):
        r = subprocess.run(["dig", "+short", "+time=5", f"@{HOST}", "-p", str(port), name, qtype],
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
        return r.stdout.split()
    # Only the hierarchy says mail.hamburger.edu is 127.0.N.100 (the [dns] stub zone says 127.0.0.2).
    assert ask("mail.hamburger.edu") == [world.bob_mail]
    assert ask("www.hamburger.edu") == ["serverEast.backup2.hamburger.edu.", "127.0.0.1"]
    assert ask("gaia.cs.umass.edu") == ["128.119.245.12"]
    assert ask("crepes.fr", "MX") == ["10", "mail.crepes.fr."]


def test_zone_files_are_rfc1035_master_files(world):
    check = shutil.which("nsd-checkzone")
    if not check:
        pytest.skip("nsd-checkzone not installed (tools/setup.sh test)")
    files = sorted(glob.glob(os.path.join(world.data, "dns", "hierarchy", "*.zone")))
    assert len(files) == 8
    for f in files:
        origin = os.path.basename(f)[:-len(".zone")]
        r = subprocess.run([check, "." if origin == "root" else origin, f], capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, f"{f}: {r.stdout}{r.stderr}"


def test_without_port_53_up_says_so_and_carries_on(tmp_path):
    need_root()
    # Someone else holds one of the hierarchy's addresses: the whole hierarchy stays off.
    blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        blocker.bind((f"127.0.{FALLBACK_NET}.5", 53))
    except OSError:
        pytest.skip(f"127.0.{FALLBACK_NET}.5:53 is in use")
    try:
        w = start_world(str(tmp_path), FALLBACK_NET)
        try:
            warnings = [line for line in w.proc.out_lines + w.proc.err_lines if "running without the DNS hierarchy" in line]
            assert len(warnings) == 1 and f"127.0.{FALLBACK_NET}.5:53" in warnings[0], w.proc.output()
            with pytest.raises(KeyError):
                w.row("dns-root")
            # The resolver falls back to its stub zone (the [dns] server's embedded hamburger.edu).
            r = subprocess.run(["dig", "+short", f"@{HOST}", "-p", str(w.ports["resolver"]), "mail.hamburger.edu"],
                               capture_output=True, text=True, timeout=30)
            assert r.stdout.split() == ["127.0.0.2"], r.stdout + r.stderr
        finally:
            w.stop()
    finally:
        blocker.close()


# ---------------------------------------------------------------- Alice's and Bob's mail servers

def wait_for_files(pattern, deadline=30.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        found = glob.glob(pattern)
        if found:
            return found
        time.sleep(0.05)
    raise TimeoutError(f"nothing matched {pattern} within {deadline}s")


def test_alice_mails_bob_through_both_servers_by_mx(world):
    _, command = world.row("submission/crepes.fr")
    assert "--from alice@crepes.fr --to bob@hamburger.edu" in command
    sub = f"{HOST}:{world.ports['alice_sub']}"
    body = os.path.join(world.data, "..", "body.txt")
    with open(body, "w") as f:
        f.write("Hi Bob, this went by MX.\n")
    r = run([layer7_bin(), "mail", "send", "--server", sub, "--starttls", "--insecure", "--user", "alice",
             "--password-file", os.path.join(world.data, "passwords", "alice"), "--from", "alice@crepes.fr",
             "--to", "bob@hamburger.edu", "--subject", "by MX", "--body", body])
    assert r.returncode == 0, r.stdout + r.stderr
    wait_for_files(os.path.join(world.data, "mail", "hamburger.edu", "bob", "new", "*"))
    # Bob reads it with POP3 (python's poplib) on his side.
    pop = poplib.POP3(HOST, world.ports["pop3"], timeout=10)
    try:
        pop.user("bob")
        pop.pass_(password(world, "bob"))
        count, _ = pop.stat()
        assert count == 1
        message = email.message_from_bytes(b"\r\n".join(pop.retr(1)[1]))
    finally:
        pop.quit()
    assert message["Subject"] == "by MX"
    received = message.get_all("Received")
    # Newest first: Bob's server got it from Alice's, which got it from Alice's client.
    assert "by mail.hamburger.edu" in received[0], received
    assert "by mail.crepes.fr" in received[1], received


def test_alices_server_is_no_open_relay(world):
    with smtplib.SMTP(HOST, world.ports["alice_mx"], timeout=10) as s:
        s.ehlo("outside.example")
        s.mail("x@example.org")
        code, _ = s.rcpt("bob@hamburger.edu")
        assert 500 <= code < 600
        code, _ = s.rcpt("alice@crepes.fr")  # her own domain: accepted from anyone
        assert code == 250


# ---------------------------------------------------------------- the proxy, the home page, the CA

def test_proxy_finds_www_hamburger_edu_through_our_resolver(world):
    url = f"http://www.hamburger.edu:{world.ports['http']}/someDepartment/"
    direct = curl(url)
    assert direct.returncode != 0  # the system's resolver does not know the name
    r = curl("-x", f"http://{HOST}:{world.ports['proxy']}", url)
    assert r.returncode == 0, r.stderr
    assert "someDepartment" in r.stdout and r.stdout.count("<img") == 10


def test_home_page_lists_every_printed_row(world):
    r = curl(f"http://{HOST}:{world.ports['http']}/")
    assert r.returncode == 0, r.stderr
    page = r.stdout
    lines = world.proc.out_lines
    start = next(i for i, line in enumerate(lines) if line.startswith("SERVICE")) + 1
    end = lines.index("", start)
    rows = [line.split(None, 2) for line in lines[start:end]]
    assert len(rows) >= 10
    text = html.unescape(page)  # our references (&#39;) and python's (&#x27;) differ; the text may not
    for service, address, command in rows:
        assert f"<td>{service}</td><td>{address}</td>" in text, service
        assert f"<code>{command}</code>" in text, command
    assert '<a href="/someDepartment/">' in page
    assert '<a href="/mail">' in page  # web mail, mounted on [http]
    assert f'<a href="http://{HOST}:{world.ports["http"]}/dash.html">' in page
    assert f'<a href="http://{HOST}:{world.ports["http"]}/">' in page
    base = curl(f"http://{HOST}:{world.ports['http']}/someDepartment/")
    assert base.stdout.count("<img") == 10


def test_lab_reports_are_served_at_lab(world):
    index = curl(f"http://{HOST}:{world.ports['http']}/lab/")
    assert index.returncode == 0 and "layer7 lab" in index.stdout  # an index before any run
    assert '<a href="/lab/">' in curl(f"http://{HOST}:{world.ports['http']}/").stdout
    r = run([layer7_bin(), "--data", world.data, "lab", "run", "http-persistence", "--quick", "--rtt", "10"],
            timeout=300)
    assert r.returncode == 0, r.stderr
    run_dir = next(d for d in os.listdir(os.path.join(world.data, "lab")) if d.endswith("http-persistence"))
    index = curl(f"http://{HOST}:{world.ports['http']}/lab/")
    assert f'href="{run_dir}/"' in index.stdout
    page = curl(f"http://{HOST}:{world.ports['http']}/lab/{run_dir}/")
    assert page.returncode == 0 and "<svg" in page.stdout and "non-persistent" in page.stdout


def test_printed_dev_ca_verifies_tls(world):
    ca, how = world.row("tls-ca")
    assert ca == os.path.join(world.data, "tls", "dev-cert.pem") and "curl --cacert F" in how
    _, https_try = world.row("https")
    assert https_try == f"curl --cacert {ca} https://{HOST}:{world.ports['https']}/"
    r = curl("--cacert", ca, "-o", "/dev/null", "-w", "%{http_code}", f"https://{HOST}:{world.ports['https']}/")
    assert r.stdout == "200", r.stderr
    context = ssl.create_default_context(cafile=ca)
    with socket.create_connection((HOST, world.ports["https"]), timeout=10) as raw:
        with context.wrap_socket(raw, server_hostname="localhost") as tls:
            assert tls.version() in ("TLSv1.2", "TLSv1.3")
    assert f"curl --cacert {ca}" in curl(f"http://{HOST}:{world.ports['http']}/").stdout
