"""SIGTERM drains: listeners close, connections waiting between messages close at once (HTTP
keep-alive with no request, SMTP/POP3/IMAP/FTP waiting for a command, each saying goodbye the
protocol's way), and a transfer in flight finishes within the drain limit before the process exits.
"""
import hashlib
import os
import socket
import subprocess
import time

from conftest import free_port, layer7_bin, wait_refused


def read_until_closed(sock, deadline):
    """Everything the peer sends until it closes; fails if it is still open at the deadline."""
    sock.settimeout(0.2)
    data = b""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            continue
        if not chunk:
            return data
        data += chunk
    raise TimeoutError(f"still open after {deadline}s; got {data!r}")


def wait_for_bytes(path, at_least=1, deadline=10):
    """Polls until a download has written `at_least` bytes."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if path.exists() and path.stat().st_size >= at_least:
            return
        time.sleep(0.02)
    raise TimeoutError(f"{path} did not reach {at_least} bytes")


def recv_line(sock):
    sock.settimeout(10)
    data = b""
    while not data.endswith(b"\n"):
        chunk = sock.recv(1)
        assert chunk, f"closed after {data!r}"
        data += chunk
    return data


def start(layer7, tmp_path, body, drain=None):
    conf = tmp_path / "layer7.toml"
    runtime = f"[runtime]\ndata = \"{tmp_path / 'data'}\"\n" + (f"drain = {drain}\n" if drain else "")
    conf.write_text(runtime + body)
    return layer7("up", "--config", str(conf))


def test_a_download_in_flight_finishes_while_idle_keep_alive_closes_at_once(layer7, tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    blob = os.urandom(12 * 1024 * 1024)
    (root / "big.bin").write_bytes(blob)
    (root / "small.txt").write_text("hello\n")
    port = free_port()
    p = start(layer7, tmp_path, f'[http]\nlisten = "127.0.0.1:{port}"\nroot = "{root}"\n')

    idle = socket.create_connection(("127.0.0.1", port))
    idle.sendall(b"GET /small.txt HTTP/1.1\r\nHost: x\r\n\r\n")
    idle.settimeout(10)
    first = idle.recv(65536)
    assert b"200 OK" in first and b"hello" in first  # and now it waits for a next request

    out = tmp_path / "big.out"
    # 12 MiB at 3 MB/s: about 4 s, well past the old 1.5 s cut and well within the 30 s drain.
    curl = subprocess.Popen(["curl", "-sS", "--limit-rate", "3M", "-o", str(out), "-w", "%{http_code}",
                             f"http://127.0.0.1:{port}/big.bin"], stdout=subprocess.PIPE, text=True)
    wait_for_bytes(out, 1024 * 1024)

    p.proc.send_signal(15)
    assert read_until_closed(idle, 5) == b""  # closed while the download still runs
    assert curl.poll() is None, "the download ended before the idle connection closed"
    p.wait_output("stopping", 5)
    wait_refused("127.0.0.1", port)  # the listener is closed: new work is refused
    assert curl.poll() is None

    code, _ = curl.communicate(timeout=30)
    assert code == "200"
    assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(blob).digest()
    # It exits on its own once the download is done; a second SIGTERM from stop() while it is still
    # winding down would kill it (the runtime no longer holds the signal then).
    p.proc.wait(timeout=30)
    rc, _ = p.stop()
    assert rc == 0
    assert "drain limit" not in p.output()


def test_the_drain_limit_cuts_what_is_still_running(layer7, tmp_path):
    root = tmp_path / "www"
    root.mkdir()
    # Larger than what loopback's socket buffers hold, so that the server still has bytes to send.
    with open(root / "big.bin", "wb") as f:
        f.truncate(64 * 1024 * 1024)
    port = free_port()
    p = start(layer7, tmp_path, f'[http]\nlisten = "127.0.0.1:{port}"\nroot = "{root}"\n', drain=1)
    out = tmp_path / "big.out"
    curl = subprocess.Popen(["curl", "-sS", "--limit-rate", "2M", "-o", str(out),
                             f"http://127.0.0.1:{port}/big.bin"], stderr=subprocess.PIPE)
    wait_for_bytes(out)
    assert curl.poll() is None
    rc, _ = p.stop(deadline=20)
    assert rc == 0
    p.wait_output("drain limit of 1 s reached", 5)
    assert curl.wait(timeout=60) != 0  # cut: curl reports a partial transfer
    assert out.stat().st_size < 64 * 1024 * 1024


def mail_config(tmp_path, ports):
    users = tmp_path / "users"
    r = subprocess.run([layer7_bin(), "user", "add", "alice", "--users", str(users)], input="secret\n",
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return (f'[smtp]\nlisten = "127.0.0.1:{ports["smtp"]}"\nsubmission = ""\ndomains = ["example.org"]\n'
            f'demo_users = false\nusers = "{users}"\ntls = false\n'
            f'[pop3]\nlisten = "127.0.0.1:{ports["pop3"]}"\nusers = "{users}"\ntls = false\n'
            f'[imap]\nlisten = "127.0.0.1:{ports["imap"]}"\nusers = "{users}"\ntls = false\n'
            f'[ftp]\nlisten = "127.0.0.1:{ports["ftp"]}"\nroot = "{tmp_path}"\ntls = false\n')


def test_command_waits_end_with_the_protocols_goodbye(layer7, tmp_path):
    ports = {name: free_port() for name in ("smtp", "pop3", "imap", "ftp")}
    p = start(layer7, tmp_path, mail_config(tmp_path, ports))
    sessions = {}
    for name, port in ports.items():
        s = socket.create_connection(("127.0.0.1", port))
        greeting = recv_line(s)
        assert greeting[:1] in (b"2", b"+", b"*"), greeting
        sessions[name] = s
    sessions["smtp"].sendall(b"EHLO client.example\r\n")
    while not recv_line(sessions["smtp"]).startswith(b"250 "):
        pass

    p.proc.send_signal(15)
    said = {name: read_until_closed(s, 5) for name, s in sessions.items()}
    assert said["smtp"].startswith(b"421 4.3.2 "), said["smtp"]
    assert said["ftp"].startswith(b"421 "), said["ftp"]
    assert said["imap"].startswith(b"* BYE "), said["imap"]
    assert said["pop3"].startswith(b"-ERR "), said["pop3"]
    rc, seconds = p.stop(deadline=10)
    assert rc == 0


def test_smtp_data_in_flight_is_accepted_during_the_drain(layer7, tmp_path):
    ports = {name: free_port() for name in ("smtp", "pop3", "imap", "ftp")}
    p = start(layer7, tmp_path, mail_config(tmp_path, ports))
    s = socket.create_connection(("127.0.0.1", ports["smtp"]))
    recv_line(s)
    for command in (b"EHLO client.example", b"MAIL FROM:<x@example.net>", b"RCPT TO:<alice@example.org>",
                    b"DATA"):
        s.sendall(command + b"\r\n")
        reply = recv_line(s)
        while reply[3:4] == b"-":
            reply = recv_line(s)
        assert reply[:1] in (b"2", b"3"), reply
    s.sendall(b"Subject: drain\r\n\r\nhalf of the message\r\n")
    p.proc.send_signal(15)
    p.wait_output("stopping", 5)
    s.sendall(b"the rest\r\n.\r\n")
    assert recv_line(s).startswith(b"250 "), "the message in DATA was not accepted"
    assert read_until_closed(s, 5).startswith(b"421 4.3.2 ")  # and then the goodbye
    rc, _ = p.stop(deadline=10)
    assert rc == 0
    new = list((tmp_path / "data" / "mail" / "example.org" / "alice" / "new").iterdir())
    assert len(new) == 1 and b"the rest" in new[0].read_bytes()
