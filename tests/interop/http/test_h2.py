"""HTTP/2 (RFC 9113) with real clients: curl over TLS with ALPN, with prior knowledge and by
Upgrade: h2c; nghttp (-nv and -nvu); h2load with 100 streams in flight per connection; uploads
larger than the flow-control windows; RFC 9218 priorities; and hand-made frames (python3-h2's
hpack and our own frame writer) for every protocol error the server must answer with the error
RFC 9113 names."""
import os
import signal
import socket
import ssl
import struct
import subprocess

import hpack
import pytest

from httpkit import HOST, DEADLINE, curl, make_site, up

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, PRIORITY, RST_STREAM, SETTINGS, PUSH_PROMISE, PING, GOAWAY, WINDOW_UPDATE, CONTINUATION = range(10)
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1
PROTOCOL_ERROR, FLOW_CONTROL_ERROR, FRAME_SIZE_ERROR, REFUSED_STREAM, COMPRESSION_ERROR = 1, 3, 6, 7, 9
ENHANCE_YOUR_CALM = 0xB


@pytest.fixture(scope="module")
def h2server(tmp_path_factory):
    base = str(tmp_path_factory.mktemp("h2"))
    root = make_site(base)
    with open(os.path.join(root, "huge.bin"), "wb") as f:
        f.write(os.urandom(4 << 20))
    s = up(base, root=root, tls=True, http="writable = true\n")
    yield s
    s.assert_alive()
    s.stop()


def read_file(root, name):
    with open(os.path.join(root, name), "rb") as f:
        return f.read()


# ---------------------------------------------------------------- real clients

def test_curl_h2_over_tls_with_alpn(h2server):
    r = curl("-sk", "--http2", "-o", "/dev/null", "-w", "%{http_version} %{http_code} %{size_download}",
             h2server.tls_url("/big.bin"))
    assert r.stdout == f"2 200 {300 * 1024}"


def test_curl_h2c_prior_knowledge(h2server):
    r = curl("-s", "--http2-prior-knowledge", "-D", "-", h2server.url("/hello.txt"))
    assert r.stdout.startswith("HTTP/2 200")
    assert "content-length: 13" in r.stdout
    assert r.stdout.endswith("hello, world\n")


def test_curl_h2c_by_upgrade(h2server):
    r = curl("-s", "--http2", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", h2server.url("/page.html"))
    assert r.stdout == "2 200"


def test_curl_http11_still_served_on_both_ports(h2server):
    r = curl("-sk", "--http1.1", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", h2server.tls_url("/"))
    assert r.stdout == "1.1 200"
    r = curl("-s", "-o", "/dev/null", "-w", "%{http_version} %{http_code}", h2server.url("/"))
    assert r.stdout == "1.1 200"


def test_many_objects_on_one_connection(h2server):
    urls = [h2server.tls_url(p) for p in ("/hello.txt", "/page.html", "/style.css", "/pic.png", "/small.bin")] * 4
    r = curl("-sk", "--http2", "--parallel", "--parallel-max", "20", "-w", "%{http_version} %{num_connects}\\n",
             *[a for u in urls for a in ("-o", "/dev/null", u)])
    lines = r.stdout.split()
    assert lines[0::2] == ["2"] * len(urls)
    assert sum(int(n) for n in lines[1::2]) == 1  # every object multiplexed on one connection


def test_upload_larger_than_the_windows(h2server, tmp_path):
    body = os.urandom(5 << 20)  # stream window 1 MiB: the client waits for our WINDOW_UPDATEs
    src = tmp_path / "up.bin"
    src.write_bytes(body)
    r = curl("-sk", "--http2", "-T", str(src), "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
             h2server.tls_url("/uploaded.bin"))
    assert r.stdout in ("2 201", "2 204", "2 200")
    assert read_file(h2server.root, "uploaded.bin") == body


def test_post_form_to_echo(h2server):
    r = curl("-s", "--http2-prior-knowledge", "-d", "name=alice&x=1", h2server.url("/echo?q=2"))
    assert "<td>alice</td>" in r.stdout and "<td>2</td>" in r.stdout


def test_nghttp_verbose_over_tls(h2server):
    r = subprocess.run(["nghttp", "-nv", h2server.tls_url("/hello.txt")], capture_output=True, text=True,
                       timeout=DEADLINE)
    assert r.returncode == 0, r.stderr
    assert "recv SETTINGS frame" in r.stdout
    assert ":status: 200" in r.stdout
    assert "recv DATA frame <length=13, flags=0x01, stream_id=" in r.stdout  # END_STREAM


def test_nghttp_upgrade(h2server):
    r = subprocess.run(["nghttp", "-nvu", h2server.url("/hello.txt")], capture_output=True, text=True,
                       timeout=DEADLINE)
    assert r.returncode == 0, r.stderr
    assert "HTTP Upgrade response" in r.stdout
    assert "HTTP Upgrade success" in r.stdout
    assert ":status: 200" in r.stdout


@pytest.mark.parametrize("tls", [False, True])
def test_h2load_100_streams_in_flight(h2server, tls):
    url = h2server.tls_url("/small.bin") if tls else h2server.url("/small.bin")
    r = subprocess.run(["h2load", "-n", "4000", "-c", "4", "-m", "100", url], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    assert "4000 succeeded, 0 failed, 0 errored" in r.stdout, r.stdout
    assert "status codes: 4000 2xx" in r.stdout, r.stdout


# ---------------------------------------------------------------- hand-made frames

def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


class Peer:
    """A client that writes frames byte for byte and reads the server's frames back."""

    def __init__(self, port, settings=b""):
        self.sock = socket.create_connection((HOST, port), timeout=DEADLINE)
        self.buf = b""
        self.encoder = hpack.Encoder()
        self.sock.sendall(PREFACE + frame(SETTINGS, 0, 0, settings))

    def send(self, *frames):
        self.sock.sendall(b"".join(frames))

    def headers_block(self, path="/hello.txt", method="GET", extra=()):
        return self.encoder.encode([(":method", method), (":scheme", "http"), (":path", path),
                                    (":authority", "127.0.0.1"), *extra])

    def request(self, stream, path="/hello.txt", extra=(), end_stream=True):
        self.send(frame(HEADERS, END_HEADERS | (END_STREAM if end_stream else 0), stream,
                        self.headers_block(path, extra=extra)))

    def next_frame(self):
        """(type, flags, stream, payload), or None when the server closed the connection."""
        while True:
            if len(self.buf) >= 9:
                length = int.from_bytes(self.buf[:3], "big")
                if len(self.buf) >= 9 + length:
                    kind, flags = self.buf[3], self.buf[4]
                    stream = int.from_bytes(self.buf[5:9], "big") & 0x7FFFFFFF
                    payload = self.buf[9:9 + length]
                    self.buf = self.buf[9 + length:]
                    if kind == SETTINGS and not flags & ACK:
                        self.send(frame(SETTINGS, ACK, 0))
                    return kind, flags, stream, payload
            try:
                data = self.sock.recv(65536)
            except ConnectionResetError:
                return None
            if not data:
                return None
            self.buf += data

    def until(self, pred):
        while True:
            f = self.next_frame()
            assert f is not None, "connection closed before the expected frame"
            if pred(f):
                return f

    def goaway_error(self):
        f = self.until(lambda f: f[0] == GOAWAY)
        return struct.unpack(">I", f[3][4:8])[0]

    def close(self):
        self.sock.close()


@pytest.fixture
def peer(h2server):
    p = Peer(h2server.port)
    yield p
    p.close()


def status_of(payload):
    return dict(hpack.Decoder().decode(payload))[":status"]


def test_sigterm_sends_goaway_at_once_and_the_open_stream_finishes(tmp_path):
    root = make_site(str(tmp_path))
    body = os.urandom(1 << 20)
    with open(os.path.join(root, "huge.bin"), "wb") as f:
        f.write(body)
    s = up(str(tmp_path), root=root)
    peer = Peer(s.port)  # the default windows (64 KiB): the server stops sending until we open them
    try:
        peer.request(1, "/huge.bin")
        got = b""
        while len(got) < 65535:
            got += peer.until(lambda f: f[0] == DATA and f[2] == 1)[3]
        s.proc.proc.send_signal(signal.SIGTERM)
        # GOAWAY while the client says nothing and stream 1 is still open, naming it as the last
        last_stream, error = struct.unpack(">II", peer.until(lambda f: f[0] == GOAWAY)[3][:8])
        assert (last_stream, error) == (1, 0)
        peer.request(3, "/hello.txt")  # after the GOAWAY: ignored, never answered
        window = struct.pack(">I", 2 << 20)
        peer.send(frame(WINDOW_UPDATE, 0, 0, window), frame(WINDOW_UPDATE, 0, 1, window))
        while True:
            f = peer.next_frame()
            assert f is not None, f"closed after {len(got)} bytes"
            assert f[2] != 3, f
            if f[0] == DATA and f[2] == 1:
                got += f[3]
                if f[1] & END_STREAM:
                    break
        assert got == body
        assert peer.next_frame() is None  # then the server closes the connection
    finally:
        peer.close()
    s.proc.proc.wait(timeout=DEADLINE)  # it exits on its own once the stream is done
    s.stop()


def test_a_plain_request_by_hand(peer):
    peer.request(1)
    f = peer.until(lambda f: f[0] == HEADERS and f[2] == 1)
    assert status_of(f[3]) == "200"
    f = peer.until(lambda f: f[0] == DATA and f[2] == 1)
    assert f[3] == b"hello, world\n" and f[1] & END_STREAM


@pytest.mark.parametrize("table_size", [4096, 256, 0])
def test_response_headers_decode_with_python_hpack_at_the_table_size_the_client_set(h2server, table_size):
    # Our HPACK encoder against another decoder than nghttp2's: repeated responses come from the
    # dynamic table, which holds no more than SETTINGS_HEADER_TABLE_SIZE allows (RFC 7541 §4.2).
    peer = Peer(h2server.port, struct.pack(">HI", 1, table_size))
    decoder = hpack.Decoder()
    decoder.max_allowed_table_size = table_size
    try:
        blocks = []
        for stream in (1, 3, 5):
            peer.request(stream)
            blocks.append(peer.until(lambda f: f[0] == HEADERS and f[2] == stream)[3])
        fields = [dict(decoder.decode(b)) for b in blocks]
    finally:
        peer.close()
    for f in fields:  # all alike (but the date, which may have turned a second)
        f.pop("date")
    assert fields[0][":status"] == "200" and fields[0]["content-length"] == "13" and "etag" in fields[0]
    assert fields[1] == fields[0] and fields[2] == fields[0]
    assert decoder.header_table.maxsize == table_size
    if table_size == 0:
        assert not decoder.header_table.dynamic_entries
    if table_size == 4096:
        assert len(blocks[2]) < len(blocks[0]) // 2  # the third is mostly indexes


def test_data_on_stream_zero_is_a_protocol_error(peer):
    peer.send(frame(DATA, 0, 0, b"x"))
    assert peer.goaway_error() == PROTOCOL_ERROR


def test_broken_hpack_is_a_compression_error(peer):
    peer.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, b"\xff\xff\xff\xff\xff\xff"))
    assert peer.goaway_error() == COMPRESSION_ERROR


def test_oversized_frame_is_a_frame_size_error(peer):
    peer.send(frame(HEADERS, END_HEADERS | END_STREAM, 1, b"\x00" * 20000))  # over the 16384 default
    assert peer.goaway_error() == FRAME_SIZE_ERROR


def test_even_stream_id_from_a_client_is_a_protocol_error(peer):
    peer.request(2)
    assert peer.goaway_error() == PROTOCOL_ERROR


def test_window_overflow_is_a_flow_control_error(peer):
    peer.send(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 0x7FFFFFFF)))
    assert peer.goaway_error() == FLOW_CONTROL_ERROR


def test_header_list_over_the_limit_gets_431(peer):
    big = [("x-big-%d" % i, "v" * 4000) for i in range(20)]  # 80 KB > the 64 KiB list size we announce
    block = peer.headers_block(extra=big)
    first, rest = block[:16000], block[16000:]
    frames = [frame(HEADERS, 0, 1, first)]
    while rest:
        piece, rest = rest[:16000], rest[16000:]
        frames.append(frame(CONTINUATION, 0 if rest else END_HEADERS, 1, piece))
    peer.send(*frames)
    f = peer.until(lambda f: f[0] in (HEADERS, GOAWAY) and f[2] in (0, 1))
    assert f[0] == HEADERS and status_of(f[3]) == "431"


def test_continuation_flood_closes_the_connection(peer):
    block = peer.headers_block()
    frames = [frame(HEADERS, 0, 1, block)] + [frame(CONTINUATION, 0, 1, b"") for _ in range(50)]
    peer.send(*frames)
    assert peer.goaway_error() == ENHANCE_YOUR_CALM


def reset_streams(peer, count, first=1):
    frames = []
    for i in range(count):
        stream = first + 2 * i
        frames.append(frame(HEADERS, END_HEADERS | END_STREAM, stream, peer.headers_block()))
        frames.append(frame(RST_STREAM, 0, stream, struct.pack(">I", 8)))  # CANCEL
    try:
        peer.send(*frames)
    except (BrokenPipeError, ConnectionResetError):
        pass


def test_resets_under_the_cap_are_fine(peer):
    reset_streams(peer, 300)
    peer.request(601)
    f = peer.until(lambda f: f[0] in (GOAWAY, HEADERS) and f[2] in (0, 601))
    assert f[0] == HEADERS and status_of(f[3]) == "200"


def test_rapid_reset_is_capped(peer):
    reset_streams(peer, 1500)  # over the burst of 1000 (CVE-2023-44487)
    assert peer.goaway_error() != 0


def test_streams_over_the_concurrency_limit_are_refused(peer):
    # 130 requests that stay open (no END_STREAM) against MAX_CONCURRENT_STREAMS = 128, sent before
    # our SETTINGS are acknowledged: the two beyond the limit get REFUSED_STREAM (the client may
    # retry them) and the others go on. (Once the client has acknowledged the limit, nghttp2 treats
    # exceeding it as a connection error.)
    peer.send(*[frame(HEADERS, END_HEADERS, 1 + 2 * i, peer.headers_block("/echo", "POST")) for i in range(130)])
    for stream in (257, 259):
        f = peer.until(lambda f: f[0] in (RST_STREAM, GOAWAY))
        assert f[0] == RST_STREAM and f[2] == stream
        assert struct.unpack(">I", f[3])[0] == REFUSED_STREAM
    peer.send(frame(DATA, END_STREAM, 1, b"a=b"))
    f = peer.until(lambda f: f[0] == HEADERS and f[2] == 1)
    assert status_of(f[3]) == "200"


def test_priorities_urgency_goes_before_size(h2server):
    """RFC 9218: a 300 KiB response at the lowest urgency and a 4 MiB one at the highest, requested
    together with windows that never hold the server back. Round-robin would finish the small one
    first; urgency first finishes the large one first."""
    p = Peer(h2server.port, settings=struct.pack(">HI", 4, 64 << 20))  # INITIAL_WINDOW_SIZE
    try:
        p.send(frame(WINDOW_UPDATE, 0, 0, struct.pack(">I", 256 << 20)),
               frame(HEADERS, END_HEADERS | END_STREAM, 1, p.headers_block("/big.bin", extra=[("priority", "u=7")])),
               frame(HEADERS, END_HEADERS | END_STREAM, 3, p.headers_block("/huge.bin", extra=[("priority", "u=0")])))
        ended = []
        while len(ended) < 2:
            f = p.next_frame()
            assert f is not None
            if f[0] == DATA and f[1] & END_STREAM:
                ended.append(f[2])
        assert ended == [3, 1]
    finally:
        p.close()


def test_tls_alpn_offers_h2_and_http11(h2server):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    for offered, chosen in ((["h2", "http/1.1"], "h2"), (["http/1.1"], "http/1.1"), (["spdy/3"], None)):
        ctx.set_alpn_protocols(offered)
        with socket.create_connection((HOST, h2server.tls_port), timeout=DEADLINE) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as s:
                assert s.selected_alpn_protocol() == chosen


# ---------------------------------------------------------------- 103 Early Hints

@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    s = up(str(tmp_path_factory.mktemp("demo")), tls=True)  # no root: the generated demo site
    yield s
    s.assert_alive()
    s.stop()


def early_hint_links(stderr):
    """The Link lines of the 103 in curl -v's output (before the final status line)."""
    head = stderr.split("< HTTP/2 200" if "< HTTP/2 200" in stderr else "< HTTP/1.1 200")[0]
    assert "< HTTP/2 103" in head or "< HTTP/1.1 103 Early Hints" in head, stderr
    return [l.split(":", 1)[1].strip() for l in head.splitlines() if l.lower().startswith("< link:")]


@pytest.mark.parametrize("flags", [["--http2"], ["--http1.1"]])
def test_demo_page_sends_early_hints_for_its_images(demo, flags):
    r = curl("-vsk", *flags, "-o", "/dev/null", demo.tls_url("/someDepartment/"))
    links = early_hint_links(r.stderr)
    assert links == [f"</images/pic{i:02d}.png>; rel=preload; as=image" for i in range(1, 11)]


def test_no_early_hints_for_other_files_or_http10(demo):
    def statuses(stderr):
        return [l.split()[2] for l in stderr.splitlines() if l.startswith("< HTTP/")]
    r = curl("-vsk", "--http2", "-o", "/dev/null", demo.tls_url("/images/pic01.png"))
    assert statuses(r.stderr) == ["200"]
    r = curl("-vs", "--http1.0", "-o", "/dev/null", demo.url("/someDepartment/"))
    assert statuses(r.stderr) == ["200"]


# ---------------------------------------------------------------- layer7 get as the HTTP/2 client

def test_layer7_get_http2_over_alpn_and_prior_knowledge(h2server):
    from conftest import layer7_bin, run
    r = run([layer7_bin(), "get", "-k", "--http2", "-I", h2server.tls_url("/hello.txt")])
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("HTTP/2 200")
    r = run([layer7_bin(), "get", "--http2-prior-knowledge", h2server.url("/hello.txt")])
    assert r.returncode == 0 and r.stdout == "hello, world\n", r.stderr

def test_layer7_get_http2_download(h2server, tmp_path):
    from conftest import layer7_bin, run
    out = tmp_path / "big.bin"
    r = run([layer7_bin(), "get", "-k", "--http2", "-o", str(out), h2server.tls_url("/big.bin")])
    assert r.returncode == 0, r.stderr
    assert out.stat().st_size == 300 * 1024


def test_layer7_get_page_over_one_http2_connection(demo):
    from conftest import layer7_bin, run
    r = run([layer7_bin(), "get", "-k", "--http2", "--page", demo.tls_url("/someDepartment/")])
    assert r.returncode == 0, r.stderr
    rows = [l.split() for l in r.stdout.splitlines()[1:-1]]
    assert len(rows) == 11 and all(row[1] == "200" for row in rows)
    assert [row[3] for row in rows].count("new") == 1  # one connection, eleven streams
    assert "1 TCP connection (HTTP/2, 11 streams)" in r.stdout.splitlines()[-1]


class GoingAwayServer:
    """An h2c server (python3-h2) that answers the first connection's first stream, then sends
    GOAWAY naming that stream as the last when the next one comes: the client must send the
    refused requests again on a new connection (RFC 9113 §8.7). Later connections answer all."""

    def __init__(self, page):
        import threading
        self.page = page
        self.listener = socket.create_server((HOST, 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        import threading
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self.connection, args=(sock, self.connections == 1), daemon=True).start()

    def connection(self, sock, going_away):
        import h2.config
        import h2.connection
        import h2.events
        conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=False))
        conn.initiate_connection()
        sock.sendall(conn.data_to_send())
        with sock:
            while data := sock.recv(65536):
                for event in conn.receive_data(data):
                    if not isinstance(event, h2.events.RequestReceived):
                        continue
                    if going_away and event.stream_id > 1:
                        conn.close_connection(last_stream_id=1)
                    elif not conn.state_machine.state.name == "CLOSED":
                        path = dict(event.headers)[b":path"].decode()
                        body = self.page if path == "/" else path.encode()
                        conn.send_headers(event.stream_id, [(":status", "200"), ("content-length", str(len(body)))])
                        conn.send_data(event.stream_id, body, end_stream=True)
                sock.sendall(conn.data_to_send())

    def close(self):
        self.listener.close()


def test_layer7_get_sends_requests_refused_by_a_goaway_again_on_one_new_connection():
    from conftest import layer7_bin, run
    server = GoingAwayServer(b'<img src="/a.png"><img src="/b.png"><img src="/c.png">')
    try:
        r = run([layer7_bin(), "get", "--http2-prior-knowledge", "--page", f"http://{HOST}:{server.port}/"])
    finally:
        server.close()
    assert r.returncode == 0, r.stderr
    rows = [line.split() for line in r.stdout.splitlines()[1:-1]]
    assert [(row[1], row[2]) for row in rows] == [("200", "54"), ("200", "6"), ("200", "6"), ("200", "6")], r.stdout
    assert server.connections == 2  # the three refused requests share the one new connection
    assert "2 TCP connections (HTTP/2, 4 streams)" in r.stdout.splitlines()[-1], r.stdout
