"""The sockets chapter's echo servers, driven by python's socket module, nc and our own client."""
import os
import selectors
import shutil
import socket
import time

import pytest

from conftest import free_port, layer7_bin, run


@pytest.fixture
def echo_tcp(layer7):
    port = free_port()
    layer7("echo", "serve", "--listen", f"127.0.0.1:{port}")
    return port


@pytest.fixture
def echo_udp(layer7):
    port = free_port(socket.SOCK_DGRAM)
    layer7("echo", "serve", "--udp", "--listen", f"127.0.0.1:{port}")
    return port


def test_tcp_python_socket_gets_upper_case_with_its_own_line_ending(echo_tcp):
    with socket.create_connection(("127.0.0.1", echo_tcp), timeout=5) as s:
        s.sendall(b"hello, world\r\n")
        assert s.recv(100) == b"HELLO, WORLD\r\n"
        s.sendall(b"second line\n")  # several lines on one connection, bare LF kept
        assert s.recv(100) == b"SECOND LINE\n"
        s.sendall(b"caf\xc3\xa9 ok\r\n")  # non-ASCII bytes pass unchanged
        assert s.recv(100) == b"CAF\xc3\xa9 OK\r\n"


def test_udp_python_socket(echo_udp):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        s.sendto(b"a datagram", ("127.0.0.1", echo_udp))
        data, addr = s.recvfrom(100)
        assert data == b"A DATAGRAM"
        assert addr == ("127.0.0.1", echo_udp)


@pytest.mark.skipif(shutil.which("nc") is None, reason="netcat-openbsd not installed")
def test_nc_tcp_and_udp(layer7):
    port = free_port()
    layer7("echo", "serve", "--listen", f"127.0.0.1:{port}")
    layer7("echo", "serve", "--udp", "--listen", f"127.0.0.1:{port}")
    tcp = run(["nc", "-N", "127.0.0.1", str(port)], input="from nc\n", timeout=10)
    assert tcp.stdout == "FROM NC\n"
    udp = run(["nc", "-u", "-w", "1", "127.0.0.1", str(port)], input="nc datagram\n", timeout=10)
    assert udp.stdout == "NC DATAGRAM\n"


def test_our_client_over_tcp_and_udp(echo_tcp, echo_udp):
    r = run([layer7_bin(), "echo", "send", f"127.0.0.1:{echo_tcp}", "tcp text"])
    assert (r.returncode, r.stdout) == (0, "TCP TEXT\n"), r.stderr
    r = run([layer7_bin(), "echo", "send", "--udp", f"127.0.0.1:{echo_udp}", "udp text"])
    assert (r.returncode, r.stdout) == (0, "UDP TEXT\n"), r.stderr


def test_our_client_reports_refused_connection():
    port = free_port()
    r = run([layer7_bin(), "echo", "send", f"127.0.0.1:{port}", "x"])
    assert r.returncode == 1
    assert "cannot connect" in r.stderr and "refused" in r.stderr.lower()


def test_ipv6_loopback(layer7):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    port = free_port()
    try:
        layer7("echo", "serve", "--listen", f"[::1]:{port}")
    except TimeoutError as e:
        if "Cannot assign" in str(e) or "not available" in str(e):
            pytest.skip("::1 not configured")
        raise
    with socket.create_connection(("::1", port), timeout=5) as s:
        s.sendall(b"six\n")
        assert s.recv(10) == b"SIX\n"


def test_500_concurrent_clients_are_all_answered(echo_tcp):
    n = 500
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(n):
        s = socket.create_connection(("127.0.0.1", echo_tcp), timeout=10)
        socks.append(s)
    # every connection is open before any of them speaks: the server holds 500 at once
    for i, s in enumerate(socks):
        s.sendall(f"client {i}\n".encode())
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, (i, bytearray()))
    answered = {}
    deadline = time.monotonic() + 30
    while len(answered) < n and time.monotonic() < deadline:
        for key, _ in sel.select(timeout=1):
            i, buf = key.data
            chunk = key.fileobj.recv(100)
            buf += chunk
            if buf.endswith(b"\n"):
                answered[i] = bytes(buf)
                sel.unregister(key.fileobj)
    for s in socks:
        s.close()
    assert len(answered) == n
    assert all(answered[i] == f"CLIENT {i}\n".encode() for i in range(n))


def write_config(tmp_path, port, **limits):
    lines = ["[echo]", f'listen = "127.0.0.1:{port}"', "udp = false", "[echo.limits]"]
    lines += [f"{k} = {v}" for k, v in limits.items()]
    path = tmp_path / "layer7.toml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def recv_exactly(s, n):
    data = b""
    while len(data) < n:
        chunk = s.recv(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def test_textbook_tcpclient_without_newline_gets_its_reply(echo_tcp):
    # TCPClient.py: send(sentence) with no newline, then recv(1024) -- no half-close, no line end
    with socket.create_connection(("127.0.0.1", echo_tcp), timeout=5) as s:
        s.sendall(b"hello without newline")
        assert recv_exactly(s, 21) == b"HELLO WITHOUT NEWLINE"
        s.sendall(b"and a tail")  # the connection stays usable
        assert recv_exactly(s, 10) == b"AND A TAIL"


def test_partial_line_before_half_close_is_answered_then_closed(echo_tcp):
    with socket.create_connection(("127.0.0.1", echo_tcp), timeout=5) as s:
        s.sendall(b"last words")
        s.shutdown(socket.SHUT_WR)
        assert recv_exactly(s, 100) == b"LAST WORDS"  # recv_exactly stops at the server's close


def test_input_longer_than_any_line_limit_comes_back_whole(echo_tcp):
    data = bytes(range(256)) * 400  # 100 KiB, no line structure at all
    with socket.create_connection(("127.0.0.1", echo_tcp), timeout=10) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        assert recv_exactly(s, len(data) + 1) == data.upper()


def test_our_client_reads_text_from_stdin(echo_tcp):
    r = run([layer7_bin(), "echo", "send", f"127.0.0.1:{echo_tcp}"], input="from stdin\n")
    assert (r.returncode, r.stdout) == (0, "FROM STDIN\n"), r.stderr
    r = run([layer7_bin(), "echo", "send", f"127.0.0.1:{echo_tcp}"], input="two\nlines\n")
    assert (r.returncode, r.stdout) == (0, "TWO\nLINES\n"), r.stderr


def test_silent_client_is_dropped_after_the_idle_timeout(layer7, tmp_path):
    port = free_port()
    layer7("up", "--config", write_config(tmp_path, port, idle_timeout=1))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        start = time.monotonic()
        assert s.recv(10) == b""  # closed by the server, not by our 10 s timeout
        took = time.monotonic() - start
    assert 0.9 <= took < 5


def test_trace_prints_the_dialogue(layer7):
    port = free_port()
    server = layer7("--trace", "echo", "serve", "--listen", f"127.0.0.1:{port}")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
        s.sendall(b"traced\r\n")
        assert s.recv(100) == b"TRACED\r\n"
    assert server.wait_output("C: traced")
    assert server.wait_output("S: TRACED")
