"""Methods (RFC 9110 §9): GET HEAD POST PUT DELETE OPTIONS, 405 + Allow for the rest; PUT and DELETE only
with --writable, atomically (201/204, no temp file left); `curl -T` upload."""
import os
import threading

import pytest

from httpkit import Reader, connect, curl, get, make_site, read_file, serve, server, site  # noqa: F401


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    s = serve(make_site(str(tmp_path_factory.mktemp("w"))), "--writable")
    yield s
    s.assert_alive()
    s.stop()


def test_get_and_head_agree(server, site):
    g = get(server.port, "/small.bin")
    h = get(server.port, "/small.bin", method="HEAD")
    assert g.status == h.status == 200
    assert g.body == read_file(site, "small.bin") and h.body == b""
    for name in ("Content-Length", "Content-Type", "ETag", "Last-Modified"):
        assert g.header(name) == h.header(name), name


def test_options_lists_the_allowed_methods(server):
    r = get(server.port, "/hello.txt", method="OPTIONS")
    assert r.status in (200, 204)
    assert {m.strip() for m in r.header("Allow").split(",")} == {"GET", "HEAD", "OPTIONS"}


def test_options_asterisk(server):
    r = get(server.port, "*", method="OPTIONS")
    assert r.status in (200, 204) and "GET" in r.header("Allow")


@pytest.mark.parametrize("method", ["PATCH", "TRACE", "PROPFIND", "PUT", "DELETE", "POST"])
def test_other_methods_get_405_with_allow(server, method):
    r = get(server.port, "/hello.txt", method=method, body=b"x" if method in ("PUT", "POST", "PATCH") else b"")
    assert r.status == 405, r
    allow = {m.strip() for m in r.header("Allow").split(",")}
    assert "GET" in allow and method not in allow


def test_put_and_delete_are_refused_without_writable(server, site):
    assert curl("-X", "PUT", "--data-binary", "new", server.url("/hello.txt"), "-o", "/dev/null",
                "-w", "%{http_code}").stdout == "405"
    assert curl("-X", "DELETE", server.url("/hello.txt"), "-o", "/dev/null", "-w", "%{http_code}").stdout == "405"
    assert read_file(site, "hello.txt") == b"hello, world\n"


def test_post_to_a_file_is_405_but_post_to_echo_works(server):
    r = curl("--data", "a=1&b=two", server.url("/echo"))
    assert r.returncode == 0 and "two" in r.stdout


def test_put_creates_201_then_replaces_204_then_delete_204_then_404(writable):
    url = writable.url("/up/new.txt")
    r = curl("-X", "PUT", "--data-binary", "first", url, "-D", "-", "-o", "/dev/null")
    assert " 201" in r.stdout.splitlines()[0], r.stdout
    assert "location: /up/new.txt" in r.stdout.lower()
    assert read_file(writable.root, "up/new.txt") == b"first"
    r = curl("-X", "PUT", "--data-binary", "second", url, "-o", "/dev/null", "-w", "%{http_code}")
    assert r.stdout == "204"
    assert curl(url).stdout == "second"  # the cache noticed the replacement at once
    assert curl("-X", "DELETE", url, "-o", "/dev/null", "-w", "%{http_code}").stdout == "204"
    assert not os.path.exists(os.path.join(writable.root, "up/new.txt"))
    assert curl(url, "-o", "/dev/null", "-w", "%{http_code}").stdout == "404"
    assert curl("-X", "DELETE", url, "-o", "/dev/null", "-w", "%{http_code}").stdout == "404"


def test_put_into_a_missing_directory_creates_it(writable):
    r = curl("-X", "PUT", "--data-binary", "x", writable.url("/no/such/dir/f.txt"), "-o", "/dev/null",
             "-w", "%{http_code}")
    assert r.stdout == "201"  # as nginx's create_full_put_path (ffmpeg's DASH muxer relies on it)
    assert read_file(writable.root, "no/such/dir/f.txt") == b"x"


def test_put_below_a_file_is_409(writable):
    curl("-X", "PUT", "--data-binary", "x", writable.url("/plain.txt"))
    r = curl("-X", "PUT", "--data-binary", "x", writable.url("/plain.txt/f.txt"), "-o", "/dev/null",
             "-w", "%{http_code}")
    assert r.stdout == "409"


def test_curl_upload_file_with_T(writable, tmp_path):
    src = tmp_path / "upload.bin"
    src.write_bytes(os.urandom(200_000))
    r = curl("-T", str(src), writable.url("/up/upload.bin"), "-o", "/dev/null", "-w", "%{http_code}")
    assert r.stdout == "201", r.stderr
    assert read_file(writable.root, "up/upload.bin") == src.read_bytes()
    assert curl(writable.url("/up/upload.bin"), text=False).stdout == src.read_bytes()


def test_put_appears_atomically_and_leaves_no_temp_file(writable):
    """While the body is still arriving the target does not exist; afterwards no temp file is left."""
    body = b"z" * 100_000
    target = os.path.join(writable.root, "up", "atomic.bin")
    with connect(writable.port) as s:
        s.sendall(f"PUT /up/atomic.bin HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n\r\n".encode())
        s.sendall(body[:50_000])
        # the server has the first half; a GET on another connection must not see a partial file
        assert get(writable.port, "/up/atomic.bin").status == 404
        assert not os.path.exists(target)
        s.sendall(body[50_000:])
        r = Reader(s).final()
        assert r.status == 201
    assert read_file(writable.root, "up/atomic.bin") == body
    leftovers = [n for n in os.listdir(os.path.join(writable.root, "up")) if "atomic" in n and n != "atomic.bin"]
    assert leftovers == []


def test_concurrent_readers_never_see_a_half_written_file(writable):
    a, b = b"a" * 400_000, b"b" * 400_000
    with open(os.path.join(writable.root, "up", "flip.bin"), "wb") as f:
        f.write(a)
    stop = threading.Event()
    bad = []

    def reader():
        while not stop.is_set():
            r = get(writable.port, "/up/flip.bin")
            if r.status != 200 or r.body not in (a, b):
                bad.append((r.status, len(r.body), r.body[:1], r.body[-1:]))

    t = threading.Thread(target=reader)
    t.start()
    try:
        for i in range(6):
            body = b if i % 2 == 0 else a
            r = get(writable.port, "/up/flip.bin", method="PUT", body=body)
            assert r.status == 204
    finally:
        stop.set()
        t.join(timeout=30)
    assert bad == []


def test_delete_of_a_non_empty_directory_is_refused_and_root_is_forbidden(writable):
    assert get(writable.port, "/list/", method="DELETE").status in (403, 409)
    assert get(writable.port, "/", method="DELETE").status in (403, 405, 409)
    assert os.path.exists(os.path.join(writable.root, "list", "a.txt"))


@pytest.mark.parametrize("path,headers,status", [("/nope", "", 404), ("/dir", "", 301),
                                                  ("/hello.txt", 'If-Match: "x"\r\n', 412)])
def test_head_error_responses_have_no_body(server, path, headers, status):
    data = (f"HEAD {path} HTTP/1.1\r\nHost: x\r\n{headers}\r\n"
            "GET /hello.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").encode()
    with connect(server.port) as s:
        s.sendall(data)
        reader = Reader(s)
        head = reader.final(head=True)
        assert head.status == status and head.body == b""
        r = reader.final()  # must be the GET's answer, framed right after the HEAD's head
        assert r.status == 200 and r.body == b"hello, world\n"


def test_head_of_a_directory_listing_has_no_body(server):
    with connect(server.port) as s:
        s.sendall(b"HEAD /list/ HTTP/1.1\r\nHost: x\r\n\r\nGET /hello.txt HTTP/1.1\r\nHost: x\r\n\r\n")
        reader = Reader(s)
        assert reader.final(head=True).status == 200
        assert reader.final().body == b"hello, world\n"


@pytest.mark.parametrize("condition", ['If-Match: "not-the-etag"', "If-None-Match: *"])
def test_put_evaluates_preconditions(writable, condition):
    before = read_file(writable.root, "small.bin")
    r = get(writable.port, "/small.bin", method="PUT", body=b"overwritten", headers=[condition])
    assert r.status == 412
    assert read_file(writable.root, "small.bin") == before


def test_put_with_the_current_etag_succeeds(writable):
    etag = get(writable.port, "/list/a.txt").header("ETag")
    r = get(writable.port, "/list/a.txt", method="PUT", body=b"A\n", headers=[f"If-Match: {etag}"])
    assert r.status == 204 and read_file(writable.root, "list/a.txt") == b"A\n"


def test_partial_put_with_content_range_is_400(writable):
    r = get(writable.port, "/up/partial.txt", method="PUT", body=b"abc", headers=["Content-Range: bytes 0-2/10"])
    assert r.status == 400
    assert not os.path.exists(os.path.join(writable.root, "up", "partial.txt"))
