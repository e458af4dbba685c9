"""Issue 20: `--trace` masks passwords on both sides — SMTP AUTH PLAIN/LOGIN and their continuation
lines, POP3 PASS, IMAP LOGIN, FTP PASS, HTTP Authorization — and `--trace-secrets` shows them.
Real clients (python's smtplib, poplib, imaplib, ftplib, curl) drive our servers; our own clients
(`layer7 mail fetch`, `layer7 ftp ls`, `layer7 get`) are traced on the client side."""
import base64
import ftplib
import imaplib
import poplib
import shutil
import smtplib
import subprocess

import pytest

from conftest import free_port, layer7_bin, run

HOST = "127.0.0.1"
PASSWORD = "Hungry-Secret-42"
B64 = base64.b64encode(f"\0bob\0{PASSWORD}".encode()).decode()


@pytest.fixture(scope="module")
def users(tmp_path_factory):
    path = tmp_path_factory.mktemp("users") / "users"
    r = run([layer7_bin(), "user", "add", "bob", "--users", str(path)], input=PASSWORD + "\n")
    assert r.returncode == 0, r.stderr
    return path


def data_with(tmp_path, users):
    """A data directory holding the users file (POP3 and IMAP read DATA/users)."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(users, data / "users")
    return str(data)


def traced(layer7, secrets, *args):
    return layer7("--trace-secrets" if secrets else "--trace", *args)


def finish(proc, last):
    """Waits for the trace line `last`, stops the server, returns the whole trace."""
    proc.wait_output(last)
    rc, _ = proc.stop()
    assert rc == 0
    return "\n".join(proc.err_lines)


def check(trace, secrets, masked_lines):
    if secrets:
        assert PASSWORD in trace or B64 in trace, trace
    else:
        assert PASSWORD not in trace and B64 not in trace, trace
        for line in masked_lines:
            assert line in trace, (line, trace)


@pytest.mark.parametrize("secrets", [False, True])
def test_smtp_auth_plain_and_login(layer7, tmp_path, users, secrets):
    port = free_port()
    proc = traced(layer7, secrets, "--data", str(tmp_path), "smtp", "serve", "--domain", "localhost",
                  "--listen", f"{HOST}:{port}", "--submission", f"{HOST}:{free_port()}", "--users", str(users),
                  "--auth-failure-delay", "0")
    with smtplib.SMTP(HOST, port, timeout=10) as s:
        s.ehlo()
        assert s.docmd("AUTH", "PLAIN " + B64)[0] == 235
    with smtplib.SMTP(HOST, port, timeout=10) as s:
        s.ehlo()
        code, _ = s.docmd("AUTH", "LOGIN")
        assert code == 334
        assert s.docmd(base64.b64encode(b"bob").decode())[0] == 334
        assert s.docmd(base64.b64encode(PASSWORD.encode()).decode())[0] == 235
        s.docmd("NOOP")
    trace = finish(proc, "C: NOOP")
    check(trace, secrets, ["C: AUTH PLAIN ****", "C: AUTH LOGIN", "C: ****", "S: 334 UGFzc3dvcmQ6"])
    if secrets:
        assert B64 in trace and base64.b64encode(PASSWORD.encode()).decode() in trace
    else:
        assert base64.b64encode(PASSWORD.encode()).decode() not in trace


@pytest.mark.parametrize("secrets", [False, True])
def test_pop3_pass_and_our_fetch_client(layer7, tmp_path, users, secrets):
    port = free_port()
    proc = traced(layer7, secrets, "--data", data_with(tmp_path, users), "pop3", "serve", "--listen", f"{HOST}:{port}")
    p = poplib.POP3(HOST, port, timeout=10)
    p.user("bob")
    assert p.pass_(PASSWORD).startswith(b"+OK")
    p.quit()
    (tmp_path / "password").write_text(PASSWORD + "\n")
    flag = "--trace-secrets" if secrets else "--trace"
    r = run([layer7_bin(), flag, "mail", "fetch", "--pop3", f"{HOST}:{port}", "--user", "bob",
             "--password-file", str(tmp_path / "password"), "--keep", "-o", str(tmp_path / "out")])
    assert r.returncode == 0, r.stderr
    check(r.stderr, secrets, ["C: PASS ****"])  # the client's side
    trace = finish(proc, "C: QUIT")
    check(trace, secrets, ["C: USER bob", "C: PASS ****"])


@pytest.mark.parametrize("secrets", [False, True])
def test_imap_login(layer7, tmp_path, users, secrets):
    port = free_port()
    proc = traced(layer7, secrets, "--data", data_with(tmp_path, users), "imap", "serve", "--listen", f"{HOST}:{port}")
    m = imaplib.IMAP4(HOST, port, timeout=10)
    m.login("bob", PASSWORD)
    m.logout()
    trace = finish(proc, "LOGOUT")
    check(trace, secrets, [" LOGIN bob ****"])


@pytest.mark.parametrize("secrets", [False, True])
def test_ftp_pass_and_our_ftp_client(layer7, tmp_path, users, secrets):
    port = free_port()
    root = tmp_path / "root"
    root.mkdir()
    (root / "hello.txt").write_text("hi\n")
    proc = traced(layer7, secrets, "--data", str(tmp_path / "data"), "ftp", "serve", "--root", str(root),
                  "--listen", f"{HOST}:{port}", "--users", str(users))
    ftp = ftplib.FTP()
    ftp.connect(HOST, port, timeout=10)
    ftp.login("bob", PASSWORD)
    ftp.quit()
    flag = "--trace-secrets" if secrets else "--trace"
    r = run([layer7_bin(), flag, "ftp", "ls", f"ftp://bob:{PASSWORD}@{HOST}:{port}/"])
    assert r.returncode == 0, r.stderr
    assert "hello.txt" in r.stdout
    check(r.stderr, secrets, ["C: PASS ****"])
    trace = finish(proc, "C: QUIT")
    check(trace, secrets, ["C: PASS ****"])


@pytest.mark.parametrize("secrets", [False, True])
def test_http_authorization(layer7, tmp_path, secrets):
    if not shutil.which("curl"):
        pytest.skip("curl not installed")
    port = free_port()
    (tmp_path / "index.html").write_text("hello\n")
    proc = traced(layer7, secrets, "http", "serve", "--root", str(tmp_path), "--listen", f"{HOST}:{port}")
    r = subprocess.run(["curl", "-s", "-u", f"bob:{PASSWORD}", f"http://{HOST}:{port}/index.html"],
                       capture_output=True, timeout=30)
    assert r.returncode == 0
    flag = "--trace-secrets" if secrets else "--trace"
    r = run([layer7_bin(), flag, "get", "-H", f"Authorization: Bearer {PASSWORD}", f"http://{HOST}:{port}/"])
    assert r.returncode == 0, r.stderr
    check(r.stderr, secrets, ["C: Authorization: Bearer ****"])
    trace = finish(proc, "Bearer")
    check(trace, secrets, ["C: Authorization: Basic ****", "C: Authorization: Bearer ****"])
    if not secrets:
        assert base64.b64encode(f"bob:{PASSWORD}".encode()).decode() not in trace
