"""Timeouts: a slow header sender is cut at header_timeout with 408; an idle keep-alive connection is
closed after idle_timeout; an active connection is not."""
import time

import pytest

from httpkit import Reader, connect, make_site, up


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = str(tmp_path_factory.mktemp("to"))
    s = up(base, root=make_site(base), http="header_timeout = 2", extra="[http.limits]\nidle_timeout = 2\n")
    yield s
    s.assert_alive()
    s.stop()


def test_slow_header_sender_gets_408_at_header_timeout(server):
    with connect(server.port) as s:
        start = time.monotonic()
        s.sendall(b"GET /hello.txt HTTP/1.1\r\n")
        s.settimeout(0.4)
        got = b""
        # one header line every 0.4 s keeps the connection busy (never idle) but never finishes the head
        for i in range(30):
            try:
                s.sendall(b"X-Slow-%d: drip\r\n" % i)
                chunk = s.recv(4096)
                got += chunk
                if not chunk or b"\r\n\r\n" in got:
                    break
            except (TimeoutError, OSError):
                if time.monotonic() - start > 8:
                    break
        took = time.monotonic() - start
    assert got.startswith(b"HTTP/1.1 408"), got[:200]
    assert 1.5 <= took < 4.5, took
    server.assert_alive()


def test_silent_half_request_gets_408(server):
    with connect(server.port) as s:
        start = time.monotonic()
        s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n")
        reader = Reader(s, deadline=6)
        r = reader.read()
        took = time.monotonic() - start
    assert r is not None and r.status == 408 and took < 4.5


def test_idle_keep_alive_connection_is_closed_after_idle_timeout(server):
    with connect(server.port) as s:
        s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = Reader(s, deadline=8)
        assert reader.final().status == 200
        start = time.monotonic()
        assert reader.read() is None  # EOF, with no bytes: nothing is sent to an idle client
        took = time.monotonic() - start
    assert 1.5 <= took < 5, took


def test_a_connection_in_use_outlives_idle_timeout(server):
    with connect(server.port) as s:
        reader = Reader(s, deadline=10)
        start = time.monotonic()
        while time.monotonic() - start < 3.5:  # longer than idle_timeout, one request every 0.5 s
            s.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
            assert reader.final().status == 200
            time.sleep(0.5)  # pacing the client, not synchronisation
