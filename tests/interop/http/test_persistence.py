"""Persistent connections (RFC 9112 §9): curl over HTTP/1.0 and 1.1, connection re-use, pipelining,
`Connection: close`, HTTP/1.0 keep-alive, max_requests per connection."""
import re

from httpkit import Reader, connect, curl, exchange, make_site, read_file, serve, server, site, up  # noqa: F401


def test_curl_http11_gets_the_file(server):
    r = curl("-v", "--http1.1", server.url("/hello.txt"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "hello, world\n"
    assert "< HTTP/1.1 200" in r.stderr


def test_curl_http10_gets_the_file_and_the_connection_closes(server):
    r = curl("-v", "--http1.0", server.url("/hello.txt"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "hello, world\n"
    assert "> GET /hello.txt HTTP/1.0" in r.stderr
    assert re.search(r"< HTTP/1\.[01] 200", r.stderr)
    assert re.search(r"(?i)< connection: close", r.stderr)


def test_curl_reuses_the_connection_for_two_urls(server):
    r = curl("-v", server.url("/hello.txt"), server.url("/small.bin"), "-o", "/dev/null", "-o", "/dev/null")
    assert r.returncode == 0, r.stderr
    assert "Re-using existing connection" in r.stderr or "Reusing existing connection" in r.stderr, r.stderr
    assert r.stderr.count("Connected to") == 1


def test_pipelined_requests_are_answered_in_order(server, site):
    paths = ["/hello.txt", "/small.bin", "/nope", "/dir/", "/hello.txt", "/list"]
    data = b"".join(f"GET {p} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for p in paths)
    data += b"HEAD /small.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    got = exchange(server.port, data, count=len(paths) + 1, heads=(len(paths),))
    assert [r.status for r in got] == [200, 200, 404, 200, 200, 301, 200]
    assert got[0].body == got[4].body == b"hello, world\n"
    assert got[1].body == read_file(site, "small.bin")
    assert b"the dir index" in got[3].body
    assert got[6].header("Content-Length") == "1024" and got[6].body == b""


def test_pipelined_requests_split_at_odd_offsets_still_answer_in_order(server):
    data = b"".join(f"GET /hello.txt?{i} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for i in range(20))
    with connect(server.port) as s:
        for i in range(0, len(data), 7):
            s.sendall(data[i:i + 7])
        reader = Reader(s)
        for _ in range(20):
            r = reader.final()
            assert r.status == 200 and r.body == b"hello, world\n"


def test_connection_close_is_honoured_and_later_pipelined_requests_are_not_answered(server):
    data = (b"GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            b"GET /small.bin HTTP/1.1\r\nHost: x\r\n\r\n")
    with connect(server.port) as s:
        s.sendall(data)
        reader = Reader(s)
        r = reader.final()
        assert r.status == 200 and r.header("Connection").lower() == "close"
        assert reader.read() is None  # closed; the second request is dropped (RFC 9112 §9.6)


def test_http10_keep_alive_is_confirmed_and_the_connection_stays_open(server):
    with connect(server.port) as s:
        reader = Reader(s)
        for _ in range(3):
            s.sendall(b"GET /hello.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            r = reader.final()
            assert r.status == 200 and r.body == b"hello, world\n"
            assert r.header("Connection", "").lower() == "keep-alive"
        s.sendall(b"GET /hello.txt HTTP/1.0\r\n\r\n")  # no keep-alive: answered, then closed
        r = reader.final()
        assert r.status == 200 and r.body == b"hello, world\n"
        assert reader.read() is None


def test_http11_is_persistent_by_default(server):
    with connect(server.port) as s:
        reader = Reader(s)
        for i in range(5):
            s.sendall(b"GET /small.bin HTTP/1.1\r\nHost: x\r\n\r\n")
            r = reader.final()
            assert r.status == 200 and len(r.body) == 1024
            assert (r.header("Connection") or "").lower() != "close"


def test_max_requests_closes_after_the_nth_response(tmp_path):
    s = up(str(tmp_path), http="max_requests = 3")
    try:
        data = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n" * 5
        got = exchange(s.port, data, count=5)
        assert [r.status for r in got] == [200, 200, 200]
        assert got[2].header("Connection").lower() == "close"
        s.assert_alive()
    finally:
        s.stop()


def test_max_requests_counts_requests_sent_one_at_a_time(tmp_path):
    # Each request waits for its answer, so the server parks the idle connection between them and
    # takes it up again with a fresh parser: the count must carry over.
    s = up(str(tmp_path), http="max_requests = 3")
    try:
        with connect(s.port) as sock:
            reader = Reader(sock, 10)
            statuses = []
            for _ in range(3):
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                r = reader.final()
                statuses.append((r.status, (r.header("Connection") or "").lower()))
            assert [status for status, _ in statuses] == [200, 200, 200]
            assert [connection == "close" for _, connection in statuses] == [False, False, True]
            assert sock.recv(1) == b""  # closed by the server after the third
        s.assert_alive()
    finally:
        s.stop()


def test_parked_connections_that_all_wake_at_once_are_all_answered(server):
    # Issue 23: an idle keep-alive connection keeps no buffer, parser or coroutine. When 500 of
    # them send their next request together, each must get what it needs again (from the pool or
    # a fresh allocation) and be answered; none is refused or dropped.
    count = 500
    request = b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n"
    socks, readers = [], []
    try:
        for _ in range(count):
            sock = connect(server.port)
            socks.append(sock)
            readers.append(Reader(sock))
            sock.sendall(request)
            assert readers[-1].final().status == 200
        for sock in socks:  # every one is parked now
            sock.sendall(request)
        answers = [reader.final() for reader in readers]
        assert [r.status for r in answers] == [200] * count
        assert all(r.body == b"hello, world\n" for r in answers)
    finally:
        for sock in socks:
            sock.close()
    server.assert_alive()


def test_the_close_after_the_last_allowed_request_loses_no_answer(tmp_path):
    # 2,000 pipelined requests against max_requests = 1000: the server closes with requests still
    # unread. Closing at once would make its kernel send RST, and the client's kernel would drop
    # answers already received but not yet read; the server drains first (nginx lingering_close).
    s = up(str(tmp_path), http="max_requests = 1000", root=make_site(str(tmp_path)))
    try:
        sock = connect(s.port)
        sock.settimeout(20)
        sock.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n" * 2000)
        data = b""
        while True:
            chunk = sock.recv(1 << 20)  # a reset raises here
            if not chunk:
                break
            data += chunk
        sock.close()
        assert data.count(b"HTTP/1.1 200 OK\r\n") == 1000
        s.assert_alive()
    finally:
        s.stop()


def test_many_parallel_keep_alive_clients(server, site):
    import threading
    data = read_file(site, "small.bin")
    errors = []

    def client():
        try:
            with connect(server.port) as s:
                reader = Reader(s)
                for _ in range(10):
                    s.sendall(b"GET /small.bin HTTP/1.1\r\nHost: x\r\n\r\n")
                    r = reader.final()
                    if r.status != 200 or r.body != data:
                        errors.append(r)
        except Exception as e:  # noqa: BLE001 - collected and asserted below
            errors.append(e)

    threads = [threading.Thread(target=client) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []


def test_sigterm_with_idle_keep_alive_connections_stops_quickly(site):
    s = serve(site)
    conns = [connect(s.port) for _ in range(5)]
    for c in conns:
        c.sendall(b"GET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        assert Reader(c).final().status == 200
    rc, took = s.proc.stop()
    for c in conns:
        c.close()
    assert rc == 0 and took < 3.0, (rc, took)
