"""Request bodies (RFC 9112 §6, §7; RFC 9110 §10.1.1): `Expect: 100-continue` (curl sends it for big
uploads), an over-limit upload refused with 413 before its body is sent, chunked request bodies."""
import os
import re
import socket

import pytest

from httpkit import Reader, connect, curl, make_site, read_file, up


@pytest.fixture(scope="module")
def small_limit(tmp_path_factory):
    """Writable, with max_message = 2 MiB."""
    base = str(tmp_path_factory.mktemp("b"))
    root = make_site(base)
    s = up(base, root=root, http="writable = true", extra="[http.limits]\nmax_message = 2097152\n")
    yield s
    s.assert_alive()
    s.stop()


def test_curl_big_upload_gets_100_continue_and_succeeds(small_limit, tmp_path):
    src = tmp_path / "big"
    src.write_bytes(os.urandom(1536 * 1024))  # > 1 MiB: curl adds Expect: 100-continue
    r = curl("-v", "-T", str(src), small_limit.url("/up/big.bin"))
    assert r.returncode == 0, r.stderr
    assert "> Expect: 100-continue" in r.stderr
    assert "< HTTP/1.1 100 Continue" in r.stderr
    assert re.search(r"< HTTP/1.1 201", r.stderr)
    assert read_file(small_limit.root, "up/big.bin") == src.read_bytes()


def test_over_limit_upload_with_expect_gets_413_before_the_body_is_sent(small_limit):
    with connect(small_limit.port) as s:
        s.sendall(b"PUT /up/huge.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n"
                  b"Expect: 100-continue\r\n\r\n")
        reader = Reader(s, deadline=5)
        r = reader.read()  # the first response is final: no 100 was sent
        assert r.status == 413
    assert not os.path.exists(os.path.join(small_limit.root, "up", "huge.bin"))
    small_limit.assert_alive()


def test_curl_over_limit_upload_is_refused_with_413(small_limit, tmp_path):
    src = tmp_path / "huge"
    src.write_bytes(b"h" * (3 * 1024 * 1024))
    r = curl("-v", "-T", str(src), small_limit.url("/up/huge2.bin"), "-o", "/dev/null", "-w", "%{http_code}")
    assert r.stdout == "413", r.stderr
    assert "< HTTP/1.1 100 Continue" not in r.stderr
    assert not os.path.exists(os.path.join(small_limit.root, "up", "huge2.bin"))


def test_over_limit_body_without_expect_is_413(small_limit):
    with connect(small_limit.port) as s:
        s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n")
        try:
            s.sendall(b"x" * 3_000_000)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            pass  # the server may close as soon as it has answered
        r = Reader(s).final()
        assert r is not None and r.status == 413


def test_chunked_over_limit_is_413(small_limit):
    with connect(small_limit.port) as s:
        s.sendall(b"PUT /up/chunky.bin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"100000\r\n" + b"c" * 0x100000 + b"\r\n"
        try:
            for _ in range(3):
                s.sendall(chunk)
            s.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        r = Reader(s).final()
        assert r is not None and r.status == 413
    assert not os.path.exists(os.path.join(small_limit.root, "up", "chunky.bin"))


def test_curl_chunked_request_body(small_limit, tmp_path):
    src = tmp_path / "data"
    src.write_bytes(os.urandom(300_000))
    r = curl("-v", "-X", "PUT", "-H", "Transfer-Encoding: chunked", "--data-binary", f"@{src}",
             small_limit.url("/up/chunked.bin"), "-o", "/dev/null", "-w", "%{http_code}")
    assert "> Transfer-Encoding: chunked" in r.stderr
    assert r.stdout == "201", r.stderr
    assert read_file(small_limit.root, "up/chunked.bin") == src.read_bytes()


def test_raw_chunked_body_with_extensions_and_trailers(small_limit):
    body = (b"5;name=value\r\nhello\r\n"
            b"7\r\n, world\r\n"
            b"0\r\nX-Trailer: yes\r\n\r\n")
    with connect(small_limit.port) as s:
        s.sendall(b"PUT /up/raw-chunked.txt HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + body +
                  b"GET /up/raw-chunked.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = Reader(s)
        assert reader.final().status == 201
        r = reader.final()
        assert r.status == 200 and r.body == b"hello, world"


def test_chunked_post_to_echo_counts_the_bytes(small_limit):
    r = curl("-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/octet-stream",
             "--data-binary", "0123456789", small_limit.url("/echo"))
    assert "10 bytes" in r.stdout, r.stdout


def test_no_100_continue_for_an_http10_client(small_limit):
    # RFC 9110 §10.1.1: a server MUST NOT send a 100 (Continue) to an HTTP/1.0 client
    with connect(small_limit.port) as s:
        s.sendall(b"POST /echo HTTP/1.0\r\nContent-Length: 3\r\nExpect: 100-continue\r\n"
                  b"Content-Type: application/x-www-form-urlencoded\r\n\r\n")
        s.settimeout(1.0)
        try:
            early = s.recv(100)
        except (TimeoutError, socket.timeout):
            early = b""
        assert early == b""
        s.sendall(b"a=b")
        r = Reader(s).final()
        assert r.status == 200 and b"<td>b</td>" in r.body
