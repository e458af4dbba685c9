"""Bad input on raw sockets (RFC 9112 §2–§6, §11): 400 / 505 / 414 / 431 / 413 and the request smuggling
guards. After every case the server still answers a normal GET and the bad connection is closed."""
import socket

import pytest

from httpkit import Reader, connect, make_site, up

SMALL_HEADER = 4096


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    base = str(tmp_path_factory.mktemp("bad"))
    s = up(base, root=make_site(base), extra=f"[http.limits]\nmax_header = {SMALL_HEADER}\nmax_message = 100000\n")
    yield s
    s.assert_alive()
    s.stop()


def answer(server, data, deadline=5):
    """Sends data, returns (first final response, whether the server then closed)."""
    with connect(server.port, deadline) as s:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        reader = Reader(s, deadline)
        r = reader.final()
        try:
            closed = reader.read() is None
        except (AssertionError, TimeoutError):
            closed = False
    server.assert_alive()
    return r, closed


def expect(server, data, status):
    r, closed = answer(server, data)
    assert r is not None, f"no response to {data[:80]!r}"
    assert r.status == status, (data[:120], r)
    assert closed, "the connection must close after a framing error"
    return r


@pytest.mark.parametrize("line", [
    b"GET /\r\n", b"GET  / HTTP/1.1\r\n", b"GET / HTTP/1.1 extra\r\n", b"G\x01T / HTTP/1.1\r\n",
    b"GET / HTTP/1.x\r\n", b"GET / http/1.1\r\n", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n",
    b"GET /a b HTTP/1.1\r\n", b"GET nohost HTTP/1.1\r\n",
])
def test_malformed_request_line_is_400(server, line):
    expect(server, line + b"Host: x\r\n\r\n", 400)


@pytest.mark.parametrize("version", [b"HTTP/2.0", b"HTTP/3.1", b"HTTP/9.9"])
def test_unknown_major_version_is_505(server, version):
    expect(server, b"GET / " + version + b"\r\nHost: x\r\n\r\n", 505)


def test_uri_at_the_limit_is_served_and_over_it_is_414(server):
    # start-line limit = max_line (8192 by default): "GET " + target + " HTTP/1.1"
    fits = b"/" + b"a" * (8192 - len(b"GET  HTTP/1.1") - 1 - 10)
    r, _ = answer(server, b"GET " + fits + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert r.status == 404
    expect(server, b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414)
    expect(server, b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414)


def test_header_block_over_max_header_is_431(server):
    expect(server, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"b" * (SMALL_HEADER + 10) + b"\r\n\r\n", 431)
    many = b"".join(b"X-%d: v\r\n" % i for i in range(SMALL_HEADER // 6))
    expect(server, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n", 431)


def test_header_block_under_max_header_is_fine(server):
    r, _ = answer(server, b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: " +
                  b"b" * (SMALL_HEADER - 200) + b"\r\n\r\n")
    assert r.status == 200


def test_body_over_max_message_is_413(server):
    expect(server, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100001\r\n\r\n" + b"x" * 1000, 413)
    # a length that overflows 64 bits is either too large or invalid: 413 or 400 (nginx says 400)
    r, closed = answer(server, b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\n")
    assert r.status in (400, 413) and closed


@pytest.mark.parametrize("name,head", [
    ("CL+TE", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"),
    ("TE+CL", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"),
    ("two CLs", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"),
    ("CL list", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\n"),
    ("CL sign", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\n"),
    ("CL junk", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\n"),
    ("obs-fold", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n two\r\n\r\n"),
    ("obs-fold tab", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n\ttwo\r\n\r\n"),
    ("bare CR value", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n"),
    ("bare CR line", b"GET / HTTP/1.1\rHost: x\r\n\r\n"),
    ("space before colon", b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length : 5\r\n\r\n"),
    ("NUL in value", b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n"),
    ("TE not chunked", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n"),
    ("chunked twice", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"),
    ("TE in 1.0", b"POST /echo HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
    ("no Host in 1.1", b"GET / HTTP/1.1\r\n\r\n"),
    ("two Hosts", b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
    ("bad chunk size", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
    ("chunk no CRLF", b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"),
])
def test_smuggling_and_framing_guards_are_400(server, name, head):
    expect(server, head, 400)


def test_smuggled_second_request_is_never_answered(server):
    # A front end that used Content-Length would forward "GET /hello.txt" as a body; we must refuse all.
    data = (b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"0\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
    with connect(server.port) as s:
        s.sendall(data)
        reader = Reader(s)
        assert reader.final().status == 400
        assert reader.read() is None


def test_nul_in_the_path_is_400(server):
    r, _ = answer(server, b"GET /hello.txt%00.png HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert r.status == 400
    r, _ = answer(server, b"GET /%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert r.status == 400


def test_raw_control_bytes_in_the_target_are_400(server):
    expect(server, b"GET /a\x7fb HTTP/1.1\r\nHost: x\r\n\r\n", 400)
    expect(server, b"GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n", 400)


def test_a_flood_of_garbage_does_not_crash(server):
    import os
    for _ in range(20):
        with connect(server.port) as s:
            try:
                s.sendall(os.urandom(20000))
                s.settimeout(2)
                s.recv(100)
            except (OSError, socket.timeout):
                pass
    server.assert_alive()


def test_unknown_expectation_is_417(server):
    r, _ = answer(server, b"PUT /x HTTP/1.1\r\nHost: x\r\nExpect: teapot\r\nContent-Length: 1\r\n\r\nx")
    assert r.status == 417


def test_empty_lines_before_a_request_are_ignored(server):
    # RFC 9112 §2.2: a server SHOULD ignore at least one empty line before the request line
    r, _ = answer(server, b"\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert r.status == 200 and r.body == b"hello, world\n"


def test_client_closing_mid_request_does_not_crash(server):
    for data in [b"GET / HTTP/1.1\r\nHo", b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc",
                 b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"]:
        with connect(server.port) as s:
            s.sendall(data)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    server.assert_alive()


def test_client_resetting_mid_response_does_not_crash(server):
    for _ in range(5):
        with connect(server.port) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            s.sendall(b"GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n" * 20)
            s.recv(1000)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    server.assert_alive()
