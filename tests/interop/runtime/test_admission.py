"""Connection limits per service and per client address: a refused connection gets the protocol's
"too busy" reply (SMTP and FTP 421, HTTP 503, POP3 -ERR, IMAP BYE) and is closed; refusals are
logged at most once a second; loopback clients are exempt from the per-client limit unless
`per_client_loopback = true`.
"""
import socket
import time

from conftest import free_port


def first_bytes(port, send=b""):
    """What a new connection is told first ("" when closed without a word)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.settimeout(10)
        s.sendall(send)
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data


def up(layer7, tmp_path, body):
    conf = tmp_path / "layer7.toml"
    conf.write_text(f'[runtime]\ndata = "{tmp_path / "data"}"\n' + body)
    return layer7("up", "--config", str(conf))


def smtp_section(port, limits):
    return (f'[smtp]\nlisten = "127.0.0.1:{port}"\nsubmission = ""\ndemo_users = true\ntls = false\n'
            f'[smtp.limits]\n{limits}\n')


def test_smtp_refuses_a_third_connection_from_one_client_with_421(layer7, tmp_path):
    port = free_port()
    up(layer7, tmp_path, smtp_section(port, "max_per_client = 2\nper_client_loopback = true"))
    held = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
    for s in held:
        assert s.recv(100).startswith(b"220 ")
    assert first_bytes(port).startswith(b"421 4.7.0 ")
    held.pop().close()
    end = time.monotonic() + 10  # the server sees the close a moment later
    while (said := first_bytes(port)).startswith(b"421") and time.monotonic() < end:
        time.sleep(0.05)
    assert said.startswith(b"220 ")
    for s in held:
        s.close()


def test_the_service_wide_limit_answers_421_too(layer7, tmp_path):
    port = free_port()
    up(layer7, tmp_path, smtp_section(port, "max_connections = 1"))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        assert s.recv(100).startswith(b"220 ")
        assert first_bytes(port).startswith(b"421 4.7.0 ")


def test_loopback_is_exempt_by_default(layer7, tmp_path):
    port = free_port()
    up(layer7, tmp_path, smtp_section(port, "max_per_client = 2"))
    held = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(5)]
    for s in held:
        assert s.recv(100).startswith(b"220 ")
        s.close()


def test_each_protocol_says_it_is_busy_and_the_log_is_not_flooded(layer7, tmp_path):
    ports = {name: free_port() for name in ("http", "pop3", "imap", "ftp")}
    limits = "[{}.limits]\nmax_per_client = 1\nper_client_loopback = true\n"
    body = (f'[http]\nlisten = "127.0.0.1:{ports["http"]}"\nroot = "{tmp_path}"\n' + limits.format("http") +
            f'[pop3]\nlisten = "127.0.0.1:{ports["pop3"]}"\ntls = false\n' + limits.format("pop3") +
            f'[imap]\nlisten = "127.0.0.1:{ports["imap"]}"\ntls = false\n' + limits.format("imap") +
            f'[ftp]\nlisten = "127.0.0.1:{ports["ftp"]}"\nroot = "{tmp_path}"\ntls = false\n' +
            limits.format("ftp") + smtp_section(free_port(), ""))
    p = up(layer7, tmp_path, body)
    held = [socket.create_connection(("127.0.0.1", port), timeout=10) for port in ports.values()]
    held[0].sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    for s, name in zip(held, ports):
        assert s.recv(100), name  # the greeting or the answer: this one was admitted
    # HTTP listeners take a connection once its first bytes came (TCP_DEFER_ACCEPT)
    assert first_bytes(ports["http"], b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 503 ")
    assert first_bytes(ports["pop3"]).startswith(b"-ERR ")
    assert first_bytes(ports["imap"]).startswith(b"* BYE ")
    assert first_bytes(ports["ftp"]).startswith(b"421 ")
    for _ in range(200):
        first_bytes(ports["ftp"])
    p.wait_output("connection limit reached", 10)
    refusals = [l for l in p.out_lines + p.err_lines if "connection limit reached" in l]
    assert 1 <= len(refusals) <= 10, refusals
    for s in held:
        s.close()
