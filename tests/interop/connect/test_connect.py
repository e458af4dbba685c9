"""`layer7 connect` driven through a pipe, as a person would type at it: against our HTTP server
(plain and TLS), our SMTP server (line by line, and --starttls smtp), Postfix with --starttls smtp,
and our UDP echo server. Every read has a deadline; loopback only."""
import os
import pwd
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from conftest import free_port, layer7_bin

HOST = "127.0.0.1"


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and localhost; (cert, key)."""
    d = tmp_path_factory.mktemp("cert")
    c, k = str(d / "cert.pem"), str(d / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", k, "-out", c, "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"], check=True, capture_output=True)
    os.chmod(d, 0o755)
    os.chmod(k, 0o644)  # Postfix reads it as root, but its directory must be reachable
    return c, k


def connect(*args, input_text, timeout=20):
    """Runs `layer7 connect` to its end; stdout and stderr as text with CRLFs kept."""
    r = subprocess.run([layer7_bin(), "connect", *args], input=input_text.encode(), capture_output=True,
                       timeout=timeout)
    r.stdout, r.stderr = r.stdout.decode(), r.stderr.decode()
    return r


class Session:
    """`layer7 connect` with a pipe for stdin: type a line, read what comes back."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([layer7_bin(), "connect", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.buffer = b""

    def type(self, line):
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()

    def expect(self, text, deadline=10.0):
        """Reads stdout until `text` has arrived; returns everything read up to it."""
        end = time.monotonic() + deadline
        while text.encode() not in self.buffer:
            left = end - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            if not ready:
                raise TimeoutError(f"{text!r} not seen; got {self.buffer!r}")
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            if not chunk:
                raise EOFError(f"{text!r} not seen before the end; got {self.buffer!r}; "
                               f"stderr {self.proc.stderr.read()!r}")
            self.buffer += chunk
        at = self.buffer.index(text.encode()) + len(text)
        seen, self.buffer = self.buffer[:at], self.buffer[at:]
        return seen.decode()

    def finish(self, deadline=10.0):
        self.proc.stdin.close()
        return self.proc.wait(timeout=deadline)


@pytest.fixture(scope="module")
def web(tmp_path_factory, cert):
    root = tmp_path_factory.mktemp("www")
    (root / "hello.txt").write_text("hello, world\n")
    port, tls_port = free_port(), free_port()
    from conftest import Process
    p = Process([layer7_bin(), "--threads", "1", "--data", str(root / "data"), "http", "serve", "--root", str(root),
                 "--listen", f"{HOST}:{port}", "--tls-listen", f"{HOST}:{tls_port}",
                 "--tls-cert", cert[0], "--tls-key", cert[1]], deadline=30)
    yield port, tls_port
    rc, _ = p.stop()
    assert rc == 0, p.output()


def test_http_request_by_hand(web):
    port, _ = web
    r = connect("--trace", f"{HOST}:{port}",
                input_text="GET /hello.txt HTTP/1.1\nHost: example\nConnection: close\n\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("HTTP/1.1 200 OK\r\n")
    assert r.stdout.endswith("\r\n\r\nhello, world\n")
    assert "C: GET /hello.txt HTTP/1.1" in r.stderr  # --trace: what we said …
    assert "S: HTTP/1.1 200 OK" in r.stderr           # … and what came back


def test_https_with_tls(web, cert):
    _, tls_port = web
    r = connect("--tls", "--ca-file", cert[0], f"{HOST}:{tls_port}",
                input_text="HEAD /hello.txt HTTP/1.1\nHost: example\nConnection: close\n\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("HTTP/1.1 200 OK\r\n") and "Content-Length: 13" in r.stdout
    # the certificate is checked: without the CA the handshake fails
    r = connect("--tls", f"{HOST}:{tls_port}", input_text="")
    assert r.returncode == 1 and "TLS" in r.stderr


@pytest.fixture(scope="module")
def smtp(tmp_path_factory, cert):
    data = tmp_path_factory.mktemp("smtp")
    port, submission = free_port(), free_port()
    from conftest import Process
    p = Process([layer7_bin(), "--data", str(data), "smtp", "serve", "--domain", "hamburger.edu",
                 "--listen", f"{HOST}:{port}", "--submission", f"{HOST}:{submission}",
                 "--tls-cert", cert[0], "--tls-key", cert[1]], deadline=30)
    yield port
    rc, _ = p.stop()
    assert rc == 0, p.output()


def test_smtp_line_by_line(smtp):
    s = Session("--trace", f"{HOST}:{smtp}")
    assert s.expect("\r\n").startswith("220 ")  # the greeting, before we typed anything
    s.type("EHLO crepes.fr")
    assert "250-STARTTLS" in s.expect("250 ")
    s.type("QUIT")
    s.expect("221")
    assert s.finish() == 0


def test_starttls_smtp_with_our_server(smtp, cert):
    s = Session("--starttls", "smtp", "--ca-file", cert[0], f"{HOST}:{smtp}")
    s.type("EHLO crepes.fr")  # inside TLS now: the server must not offer STARTTLS again
    ehlo = s.expect("250 ")
    s.expect("\r\n")
    assert "STARTTLS" not in ehlo and "220 " not in ehlo  # the dialogue stays out of the output
    s.type("QUIT")
    s.expect("221")
    assert s.finish() == 0


def test_starttls_refused_is_an_error(web):
    port, _ = web
    r = connect("--starttls", "smtp", "--timeout", "2", f"{HOST}:{port}", input_text="", timeout=30)
    assert r.returncode == 1 and "STARTTLS" in r.stderr


def test_connection_refused(web):
    r = connect(f"{HOST}:{free_port()}", input_text="")
    assert r.returncode == 1 and "cannot connect" in r.stderr


def test_udp_echo():
    port = free_port()
    from conftest import Process
    p = Process([layer7_bin(), "echo", "serve", "--udp", "--listen", f"{HOST}:{port}"], deadline=30)
    try:
        r = connect("--udp", "--wait", "2", f"{HOST}:{port}", input_text="hello\nsecond line\n")
        assert r.returncode == 0, r.stderr
        assert r.stdout.splitlines() == ["HELLO", "SECOND LINE"]
    finally:
        p.stop()


class Postfix:
    """A private Postfix on loopback offering STARTTLS with our test certificate."""

    def __init__(self, root, port, cert):
        if not shutil.which("postfix") or os.geteuid() != 0:
            pytest.skip("postfix is not installed, or we are not root (postfix starts as root)")
        self.root, self.port, self.conf = root, port, root / "etc"
        for d in (self.conf, root / "queue", root / "data"):
            d.mkdir(parents=True, exist_ok=True)
        pw = pwd.getpwnam("postfix")
        shutil.chown(root / "data", pw.pw_uid, pw.pw_gid)
        (self.conf / "main.cf").write_text(f"""
compatibility_level = 3.6
queue_directory = {root}/queue
data_directory = {root}/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.postfix.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
maillog_file = {root}/maillog
maillog_file_prefixes = {root}
alias_maps =
alias_database =
smtpd_tls_security_level = may
smtpd_tls_cert_file = {cert[0]}
smtpd_tls_key_file = {cert[1]}
""")
        master = []
        for line in open("/etc/postfix/master.cf").read().splitlines():
            f = line.split()
            if line.startswith("smtp ") and len(f) >= 8 and f[1] == "inet":
                line = f"{HOST}:{port} inet n - n - - smtpd"
            elif len(f) >= 8 and not line.startswith((" ", "\t", "#")) and f[4] == "y":
                f[4] = "n"  # no chroot
                line = " ".join(f)
            master.append(line)
        (self.conf / "master.cf").write_text("\n".join(master) + "\n")
        r = subprocess.run(["postfix", "-c", str(self.conf), "start"], capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            pytest.skip(f"postfix will not start here: {r.stderr.strip()[:300]}")

    def stop(self):
        subprocess.run(["postfix", "-c", str(self.conf), "stop"], capture_output=True, timeout=60)


def test_starttls_smtp_with_postfix(cert):
    root = Path(tempfile.mkdtemp(prefix="layer7-connect-pf-"))  # Postfix's daemons must reach it
    os.chmod(root, 0o755)
    port = free_port()
    pf = Postfix(root, port, cert)
    try:
        from conftest import wait_tcp
        wait_tcp(HOST, port, 15)
        s = Session("--starttls", "smtp", "--ca-file", cert[0], f"{HOST}:{port}")
        s.type("EHLO crepes.fr")
        ehlo = s.expect("250 ")
        s.expect("\r\n")
        assert "mx.postfix.test" in ehlo and "STARTTLS" not in ehlo
        s.type("QUIT")
        s.expect("221")
        assert s.finish() == 0
    finally:
        pf.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_hosts_file_is_consulted_first(web, tmp_path):
    """--hosts: a name only the file knows reaches our server, by `connect` and by `get`."""
    port, _ = web
    hosts = tmp_path / "hosts"
    hosts.write_text("# test names\n127.0.0.1 www.someschool.test someschool\nnot-an-address x\n")
    request = "GET /hello.txt HTTP/1.1\nHost: www.someschool.test\nConnection: close\n\n"
    r = subprocess.run([layer7_bin(), "--hosts", str(hosts), "connect", f"www.someschool.test:{port}"],
                       input=request.encode(), capture_output=True, timeout=20)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith(b"\r\n\r\nhello, world\n")
    assert b"hosts:3" in r.stderr  # the bad line is named
    r = subprocess.run([layer7_bin(), "--hosts", str(hosts), "get", f"http://someschool:{port}/hello.txt"],
                       capture_output=True, timeout=20)
    assert r.returncode == 0 and r.stdout == b"hello, world\n", r.stderr
    # without the file the name is unknown (.test is reserved: no DNS answers it)
    r = subprocess.run([layer7_bin(), "--hosts", "none", "connect", "--timeout", "3", f"www.someschool.test:{port}"],
                       input=b"", capture_output=True, timeout=20)
    assert r.returncode == 1
    r = subprocess.run([layer7_bin(), "--hosts", str(tmp_path / "missing"), "connect", f"127.0.0.1:{port}"],
                       input=b"", capture_output=True, timeout=20)
    assert r.returncode == 2 and b"cannot read the hosts file" in r.stderr
