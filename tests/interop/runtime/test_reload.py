"""SIGHUP reloads `layer7 up --config FILE`: services whose section changed are replaced (new
roots, ports, limits), added ones start, removed ones stop, unchanged ones keep running with their
state; connections already open finish on the config they began with; a config with errors
changes nothing and says why; the log level applies without a restart.
"""
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from conftest import free_port, layer7_bin, wait_refused


def get(port, path="/index.html"):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
        return r.read()


def reload(p, conf, text, expect):
    """Writes the new config, sends SIGHUP and waits for the log line `expect`."""
    seen = len(p.out_lines) + len(p.err_lines)
    staged = conf.with_suffix(".new")
    staged.write_text(text)
    staged.rename(conf)  # whole, as a deploy tool writes it: a half-written file is another config
    p.proc.send_signal(signal.SIGHUP)
    line = p.wait_output(expect, 10)
    return line, (p.out_lines + p.err_lines)[seen:]


@pytest.fixture
def roots(tmp_path):
    made = []
    for name in ("one", "two"):
        root = tmp_path / name
        root.mkdir()
        (root / "index.html").write_text(f"root {name}\n")
        made.append(root)
    return made


def runtime(tmp_path, level="info"):
    return f'[runtime]\ndata = "{tmp_path / "data"}"\nlog_level = "{level}"\n'


def test_a_changed_root_applies_and_an_added_service_starts(layer7, tmp_path, roots):
    http, echo = free_port(), free_port()
    conf = tmp_path / "layer7.toml"
    conf.write_text(runtime(tmp_path) + f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[0]}"\n')
    p = layer7("up", "--config", str(conf))
    assert get(http) == b"root one\n"

    # A keep-alive connection opened before the reload goes on with the config it began with.
    before = socket.create_connection(("127.0.0.1", http))
    before.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
    before.settimeout(10)
    assert before.recv(65536).endswith(b"root one\n")

    text = runtime(tmp_path) + (f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[1]}"\n'
                                f'[echo]\nlisten = "127.0.0.1:{echo}"\nudp = false\n')
    reload(p, conf, text, "reload: 0 services unchanged, 2 started, 1 stopped")
    assert get(http) == b"root two\n"
    with socket.create_connection(("127.0.0.1", echo), timeout=10) as s:
        s.sendall(b"hello\n")
        assert s.recv(100) == b"HELLO\n"

    # ... up to its next response, which says it is the last: the client moves to the new config.
    before.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
    answer = b""
    while chunk := before.recv(65536):
        answer += chunk
    assert answer.endswith(b"root one\n") and b"\r\nConnection: close\r\n" in answer, answer
    before.close()


def test_a_reload_sends_goaway_on_the_replaced_services_h2_connections(layer7, tmp_path, roots):
    """RFC 9113 §6.8: an HTTP/2 connection of the replaced service hears GOAWAY (NO_ERROR, naming the
    last stream it took) at once, even while idle, and closes; a new connection gets the new config."""
    import h2.config
    import h2.connection
    import h2.events
    http = free_port()
    conf = tmp_path / "layer7.toml"
    conf.write_text(runtime(tmp_path) + f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[0]}"\n')
    p = layer7("up", "--config", str(conf))
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    with socket.create_connection(("127.0.0.1", http), timeout=10) as s:
        conn.send_headers(1, [(":method", "GET"), (":scheme", "http"), (":authority", "x"),
                              (":path", "/index.html")], end_stream=True)
        s.sendall(conn.data_to_send())
        body, goaway, ended = b"", None, False
        while not ended:
            for event in conn.receive_data(s.recv(65536)):
                if isinstance(event, h2.events.DataReceived):
                    body += event.data
                ended = ended or isinstance(event, h2.events.StreamEnded)
        assert body == b"root one\n"
        s.sendall(conn.data_to_send())
        reload(p, conf, runtime(tmp_path) + f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[1]}"\n',
               "reload: 0 services unchanged, 1 started, 1 stopped")
        while data := s.recv(65536):
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ConnectionTerminated):
                    goaway = event
        assert goaway is not None, "the connection closed without a GOAWAY"
        assert goaway.error_code == 0 and goaway.last_stream_id == 1
    assert get(http) == b"root two\n"


def test_an_unchanged_service_keeps_running_and_a_removed_one_stops(layer7, tmp_path, roots):
    http, echo = free_port(), free_port()
    conf = tmp_path / "layer7.toml"
    base = runtime(tmp_path) + f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[0]}"\n'
    conf.write_text(base + f'[echo]\nlisten = "127.0.0.1:{echo}"\nudp = false\n')
    p = layer7("up", "--config", str(conf))
    kept = socket.create_connection(("127.0.0.1", http))
    reload(p, conf, base, "reload: 1 service unchanged, 0 started, 1 stopped")
    wait_refused("127.0.0.1", echo)
    kept.sendall(b"GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n")
    kept.settimeout(10)
    assert kept.recv(65536).endswith(b"root one\n")
    kept.close()
    assert get(http) == b"root one\n"


def test_a_config_with_errors_changes_nothing(layer7, tmp_path, roots):
    http = free_port()
    conf = tmp_path / "layer7.toml"
    conf.write_text(runtime(tmp_path) + f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[0]}"\n')
    p = layer7("up", "--config", str(conf))
    bad = runtime(tmp_path) + f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[1]}"\nroott = 1\n'
    _, lines = reload(p, conf, bad, "still running the previous one")
    assert any("layer7.toml:7" in l and "roott" in l for l in lines), lines
    assert get(http) == b"root one\n"


def test_a_port_in_use_is_named_and_the_old_service_goes_on(layer7, tmp_path, roots):
    http = free_port()
    conf = tmp_path / "layer7.toml"
    conf.write_text(runtime(tmp_path) + f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[0]}"\n')
    p = layer7("up", "--config", str(conf))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        other = taken.getsockname()[1]
        text = runtime(tmp_path) + f'[http]\nlisten = "127.0.0.1:{other}"\nroot = "{roots[1]}"\n'
        line, _ = reload(p, conf, text, "still running the previous config")
        assert str(other) in line
    assert get(http) == b"root one\n"


def test_the_log_level_applies_without_a_restart(layer7, tmp_path, roots):
    http = free_port()
    conf = tmp_path / "layer7.toml"
    body = f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[0]}"\n'
    conf.write_text(runtime(tmp_path) + body)
    p = layer7("up", "--config", str(conf))
    # The first reload also moves the site to root two: serving it says the reload is over (at
    # "error" nothing is logged when it ends, and a second SIGHUP sent before would meet it still
    # running and read the second config).
    body_two = body.replace(str(roots[0]), str(roots[1]))
    reload(p, conf, runtime(tmp_path, "error") + body_two, "SIGHUP: reloading")
    deadline = time.monotonic() + 10
    while get(http) != b"root two\n":
        assert time.monotonic() < deadline, "the reload did not finish"
        time.sleep(0.05)
    # At "error" the next reload's info line is gone, and its error (a bad key) is still written.
    _, lines = reload(p, conf, runtime(tmp_path, "error") + body_two + "bad_key = 1\n", "still running the previous")
    assert not any("SIGHUP: reloading" in l for l in lines), lines
    assert get(http) == b"root two\n"


def test_mail_queued_by_a_connection_of_the_old_smtp_service_is_relayed_once(layer7, tmp_path):
    """The reload's new delivery agent takes the spool over: the old service's late wake-up goes to
    it, and the two never deliver the same message."""
    relay, far = free_port(), free_port()
    users = tmp_path / "users"
    r = subprocess.run([layer7_bin(), "user", "add", "bob", "--users", str(users)], input="secret\n",
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    far_data = tmp_path / "far"
    layer7("--data", str(far_data), "smtp", "serve", "--domain", "example.net", "--listen",
           f"127.0.0.1:{far}", "--submission", "", "--users", str(users))

    def config(limit):
        return runtime(tmp_path) + (f'[smtp]\nlisten = "127.0.0.1:{relay}"\nsubmission = ""\n'
                                    f'domains = ["example.org"]\ndemo_users = false\nusers = "{users}"\n'
                                    f'tls = false\ntrusted_networks = ["127.0.0.0/8"]\n'
                                    f'max_message_bytes = {limit}\n'
                                    f'[[smtp.route]]\ndomain = "example.net"\nnext_hop = "127.0.0.1:{far}"\n')

    conf = tmp_path / "layer7.toml"
    conf.write_text(config(1000000))
    p = layer7("up", "--config", str(conf))
    s = socket.create_connection(("127.0.0.1", relay))
    s.settimeout(10)
    f = s.makefile("rb")
    f.readline()
    for command in (b"EHLO c.example", b"MAIL FROM:<x@example.org>", b"RCPT TO:<bob@example.net>", b"DATA"):
        s.sendall(command + b"\r\n")
        reply = f.readline()
        while reply[3:4] == b"-":
            reply = f.readline()
        assert reply[:1] in (b"2", b"3"), reply
    reload(p, conf, config(2000000), "1 started, 1 stopped")
    s.sendall(b"Subject: across a reload\r\n\r\nbody\r\n.\r\n")
    assert f.readline().startswith(b"250 ")
    s.sendall(b"QUIT\r\n")
    s.close()
    box = far_data / "mail" / "example.net" / "bob" / "new"
    end = time.monotonic() + 15
    while time.monotonic() < end and not (box.exists() and any(box.iterdir())):
        time.sleep(0.05)
    messages = list(box.iterdir())
    assert len(messages) == 1 and b"across a reload" in messages[0].read_bytes()
    rc, _ = p.stop()
    assert rc == 0
    assert len(list(box.iterdir())) == 1


def test_a_failed_reload_leaves_the_old_delivery_agent_delivering(layer7, tmp_path):
    """A reload starts a new SMTP service, then a later service fails: the old SMTP service goes on,
    and so must its delivery agent (the new one takes the spool only once a reload has succeeded)."""
    relay, far = free_port(), free_port()
    users = tmp_path / "users"
    r = subprocess.run([layer7_bin(), "user", "add", "bob", "--users", str(users)], input="secret\n",
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    far_data = tmp_path / "far"
    layer7("--data", str(far_data), "smtp", "serve", "--domain", "example.net", "--listen",
           f"127.0.0.1:{far}", "--submission", "", "--users", str(users))

    def config(limit):
        return runtime(tmp_path) + (f'[smtp]\nlisten = "127.0.0.1:{relay}"\nsubmission = ""\n'
                                    f'domains = ["example.org"]\ndemo_users = false\nusers = "{users}"\n'
                                    f'tls = false\ntrusted_networks = ["127.0.0.0/8"]\n'
                                    f'max_message_bytes = {limit}\n'
                                    f'[[smtp.route]]\ndomain = "example.net"\nnext_hop = "127.0.0.1:{far}"\n')

    conf = tmp_path / "layer7.toml"
    conf.write_text(config(1000000))
    p = layer7("up", "--config", str(conf))
    with socket.socket() as taken:  # [pop3] starts after [smtp] and cannot listen here
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        text = config(2000000) + f'[pop3]\nlisten = "127.0.0.1:{taken.getsockname()[1]}"\nusers = "{users}"\n'
        reload(p, conf, text, "still running the previous config")
    r = subprocess.run([layer7_bin(), "mail", "send", "--server", f"127.0.0.1:{relay}", "--from", "x@example.org",
                        "--to", "bob@example.net", "--subject", "after a failed reload", "--body", "-"],
                       input="body\n", capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout + r.stderr
    box = far_data / "mail" / "example.net" / "bob" / "new"
    end = time.monotonic() + 15
    while time.monotonic() < end and not (box.exists() and any(box.iterdir())):
        time.sleep(0.05)
    assert box.exists() and len(list(box.iterdir())) == 1, "the mail was not relayed"


def test_a_failed_reload_gives_the_listening_sockets_back(layer7, tmp_path, roots):
    """The new HTTP service took the old one's sockets over; another service then fails to start:
    the old HTTP service must get them back and go on answering."""
    http = free_port()
    conf = tmp_path / "layer7.toml"
    conf.write_text(runtime(tmp_path) + f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[0]}"\n')
    p = layer7("up", "--config", str(conf))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        text = runtime(tmp_path) + (f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[1]}"\n'
                                    f'[echo]\nlisten = "127.0.0.1:{taken.getsockname()[1]}"\nudp = false\n')
        reload(p, conf, text, "still running the previous config")
    for _ in range(20):  # every worker's socket answers, with the old root
        assert get(http) == b"root one\n"


def test_connections_keep_coming_while_reloads_replace_the_service(layer7, tmp_path, roots):
    """No connection is refused or reset while the service behind a port is replaced."""
    http = free_port()
    conf = tmp_path / "layer7.toml"

    def text(i):
        return runtime(tmp_path) + f'[http]\nlisten = "127.0.0.1:{http}"\nroot = "{roots[i % 2]}"\n'

    conf.write_text(text(0))
    p = layer7("up", "--config", str(conf))
    for i in range(1, 6):
        staged = conf.with_suffix(".new")
        staged.write_text(text(i))
        staged.rename(conf)
        p.proc.send_signal(signal.SIGHUP)
        for _ in range(30):  # during and after the reload
            assert get(http) in (b"root one\n", b"root two\n")
        p.wait_output(f"reload: 0 services unchanged, 1 started, 1 stopped", 10)
    assert get(http) == b"root two\n"


def test_a_changed_users_file_restarts_the_service_that_reads_it_at_start(layer7, tmp_path):
    """FTP reads its users file at start: SIGHUP after `layer7 user add` lets the new user in."""
    import ftplib
    ftp = free_port()
    users = tmp_path / "users"

    def add(name):
        r = subprocess.run([layer7_bin(), "user", "add", name, "--users", str(users)], input="secret\n",
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr

    add("alice")
    conf = tmp_path / "layer7.toml"
    text = runtime(tmp_path) + f'[ftp]\nlisten = "127.0.0.1:{ftp}"\nroot = "{tmp_path}"\nusers = "{users}"\ntls = false\n'
    conf.write_text(text)
    p = layer7("up", "--config", str(conf))
    add("bob")
    reload(p, conf, text, "reload: 0 services unchanged, 1 started, 1 stopped")
    with ftplib.FTP() as client:
        client.connect("127.0.0.1", ftp, timeout=10)
        assert client.login("bob", "secret").startswith("230")
