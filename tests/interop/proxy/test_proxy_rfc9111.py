"""RFC 9111 / RFC 5861 details of the caching proxy against scripted origins (CannedOrigin):
qualified no-cache, ranges from a stored response, invalidation by Location / Content-Location,
stale-if-error, stale-while-revalidate, Surrogate-Control in reverse mode, Set-Cookie storing."""
from conftest import Process, free_port, layer7_bin, run, wait_tcp
from proxykit import DEADLINE, HOST, CannedOrigin, Proxy, curl, headers_of


def fetch(proxy_url, url, *args):
    """(headers, body) of one request through the proxy."""
    r = curl("-x", proxy_url, "-s", "-D", "-", *args, url)
    assert r.returncode == 0, r.stderr
    head, _, body = r.stdout.replace("\r\n", "\n").partition("\n\n")
    return headers_of(head), body


def canned(head, body=b"", **kw):
    """An origin that always answers `head` (CRLF-joined lines) and `body`."""
    raw = b"HTTP/1.1 " + "\r\n".join(head).encode() + b"\r\nContent-Length: " + str(len(body)).encode() + \
        b"\r\n\r\n" + body
    return CannedOrigin(lambda req: raw, **kw)


def test_qualified_no_cache_fields_are_not_served_from_the_cache(tmp_path):
    origin = canned(["200 OK", 'Cache-Control: max-age=600, no-cache="X-Session"', "X-Session: s1",
                     "X-Other: kept"], b"body")
    proxy = Proxy(str(tmp_path))
    try:
        h1, _ = fetch(proxy.url, origin.url + "/q")
        assert h1["x-cache"] == "MISS" and h1["x-session"] == "s1"
        h2, body = fetch(proxy.url, origin.url + "/q")
        assert h2["x-cache"] == "HIT" and body == "body"
        assert "x-session" not in h2 and h2["x-other"] == "kept"  # §5.2.2.4
        assert len(origin.requests) == 1
    finally:
        proxy.stop()
        origin.close()


def test_ranges_are_answered_from_a_stored_response(tmp_path):
    origin = canned(["200 OK", "Cache-Control: max-age=600", 'ETag: "v1"', "Content-Type: text/plain"],
                    b"0123456789abcdefghij")
    proxy = Proxy(str(tmp_path))
    try:
        assert fetch(proxy.url, origin.url + "/r")[0]["x-cache"] == "MISS"
        h, body = fetch(proxy.url, origin.url + "/r", "-r", "2-5")
        assert (h["status"], h["x-cache"], h["content-range"], body) == (206, "HIT", "bytes 2-5/20", "2345")
        h, body = fetch(proxy.url, origin.url + "/r", "-r", "0-1,10-11")
        assert h["status"] == 206 and h["content-type"].startswith("multipart/byteranges; boundary=")
        assert "Content-Range: bytes 0-1/20\n\n01" in body and "Content-Range: bytes 10-11/20\n\nab" in body
        h, _ = fetch(proxy.url, origin.url + "/r", "-r", "50-60")
        assert (h["status"], h["content-range"]) == (416, "bytes */20")
        # If-Range: the stored strong tag selects the range; another tag gets the whole response.
        h, body = fetch(proxy.url, origin.url + "/r", "-r", "0-1", "-H", 'If-Range: "v1"')
        assert (h["status"], body) == (206, "01")
        h, body = fetch(proxy.url, origin.url + "/r", "-r", "0-1", "-H", 'If-Range: "v0"')
        assert (h["status"], body) == (200, "0123456789abcdefghij")
        assert len(origin.requests) == 1  # all from the cache
        # A miss passes Range with its If-Range to the origin (a resuming client must not get a
        # range of a changed representation).
        fetch(proxy.url, origin.url + "/other", "-r", "0-1", "-H", 'If-Range: "v0"')
        assert b'\r\nIf-Range: "v0"\r\n' in origin.requests[-1]
    finally:
        proxy.stop()
        origin.close()


def test_unsafe_method_invalidates_location_and_content_location(tmp_path):
    other = canned(["200 OK", "Cache-Control: max-age=600"], b"elsewhere")

    def reply(req):
        if req.startswith(b"POST"):
            return (b"HTTP/1.1 201 Created\r\nLocation: /a\r\nContent-Location: " + origin.url.encode() +
                    b"/b\r\nContent-Length: 0\r\n\r\n")
        if req.startswith(b"PUT"):  # another origin's URL: must not be touched
            return (b"HTTP/1.1 204 No Content\r\nLocation: " + other.url.encode() + b"/c\r\n\r\n")
        return b"HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: 2\r\n\r\nok"
    origin = CannedOrigin(reply)
    proxy = Proxy(str(tmp_path))
    try:
        for url in (origin.url + "/a", origin.url + "/b", origin.url + "/keep", other.url + "/c"):
            assert fetch(proxy.url, url)[0]["x-cache"] == "MISS"
            assert fetch(proxy.url, url)[0]["x-cache"] == "HIT"
        assert curl("-x", proxy.url, "-d", "x=1", origin.url + "/form").returncode == 0
        assert curl("-x", proxy.url, "-X", "PUT", "-d", "y", origin.url + "/form").returncode == 0
        # RFC 9111 §4.4: the POST's Location and Content-Location (same origin) are gone.
        assert fetch(proxy.url, origin.url + "/a")[0]["x-cache"] == "MISS"
        assert fetch(proxy.url, origin.url + "/b")[0]["x-cache"] == "MISS"
        assert fetch(proxy.url, origin.url + "/keep")[0]["x-cache"] == "HIT"
        assert fetch(proxy.url, other.url + "/c")[0]["x-cache"] == "HIT"
    finally:
        proxy.stop()
        origin.close()
        other.close()


def proxy_up(tmp_path, replace):
    """`layer7 up` with only [proxy], on a free port; `replace` maps default lines to new ones."""
    text = run([layer7_bin(), "config", "default"]).stdout.replace("enabled = true", "enabled = false")
    port = free_port()
    text = text.replace('[proxy]\nenabled = false\nlisten = "127.0.0.1:3128"',
                        f'[proxy]\nenabled = true\nlisten = "{HOST}:{port}"')
    for old, new in replace.items():
        assert old in text
        text = text.replace(old, new)
    assert f"{HOST}:{port}" in text
    conf = tmp_path / "layer7.toml"
    conf.write_text(text)
    p = Process([layer7_bin(), "--data", str(tmp_path / "data"), "up", "--config", str(conf)], deadline=DEADLINE)
    wait_tcp(HOST, port, DEADLINE)
    return p, f"http://{HOST}:{port}"


def test_set_cookie_responses_are_not_stored_by_default(tmp_path):
    origin = canned(["200 OK", "Cache-Control: max-age=600", "Set-Cookie: id=1"], b"mine")
    proxy = Proxy(str(tmp_path))
    try:
        for _ in range(2):
            h, _ = fetch(proxy.url, origin.url + "/c")
            assert h["x-cache"] == "MISS" and h["set-cookie"] == "id=1"
        assert len(origin.requests) == 2
    finally:
        proxy.stop()
        origin.close()


def test_store_set_cookie_stores_without_the_cookie(tmp_path):
    assert "store_set_cookie = false" in run([layer7_bin(), "config", "default"]).stdout
    origin = canned(["200 OK", "Cache-Control: max-age=600", "Set-Cookie: id=1"], b"mine")
    p, url = proxy_up(tmp_path, {"store_set_cookie = false": "store_set_cookie = true"})
    try:
        h, _ = fetch(url, origin.url + "/c")
        assert h["x-cache"] == "MISS" and h["set-cookie"] == "id=1"  # the client that asked gets it
        h, body = fetch(url, origin.url + "/c")
        assert h["x-cache"] == "HIT" and body == "mine" and "set-cookie" not in h
        assert len(origin.requests) == 1
    finally:
        rc, _ = p.stop()
        assert rc == 0, p.output()
        origin.close()


def test_surrogate_control_in_reverse_mode(tmp_path):
    origin = canned(["200 OK", "Cache-Control: no-cache, max-age=0", "Surrogate-Control: max-age=600"], b"edge")
    proxy = Proxy(str(tmp_path), "--origin", origin.url)
    try:
        for expected in ("MISS", "HIT"):
            r = curl("-s", "-D", "-", proxy.url + "/s")
            h = headers_of(r.stdout.replace("\r\n", "\n").partition("\n\n")[0])
            assert h["x-cache"] == expected, h
            assert "surrogate-control" not in h  # consumed by the surrogate
            assert h["cache-control"] == "no-cache, max-age=0"  # the client's own rules are unchanged
        assert len(origin.requests) == 1
        assert b'\r\nSurrogate-Capability: layer7="Surrogate/1.0"\r\n' in origin.requests[0]
    finally:
        proxy.stop()
        origin.close()


def test_surrogate_control_is_not_ours_in_forward_mode(tmp_path):
    origin = canned(["200 OK", "Cache-Control: max-age=0", "Surrogate-Control: max-age=600"], b"fwd")
    proxy = Proxy(str(tmp_path))
    try:
        h, _ = fetch(proxy.url, origin.url + "/s")
        assert h["surrogate-control"] == "max-age=600"
        assert fetch(proxy.url, origin.url + "/s")[0]["x-cache"] != "HIT"
        assert b"Surrogate-Capability" not in origin.requests[0]
    finally:
        proxy.stop()
        origin.close()


def first_then(first, then):
    """An origin answering `first` to its first request and `then(request)` afterwards."""
    seen = []

    def reply(req):
        seen.append(req)
        return first if len(seen) == 1 else then(req)
    return CannedOrigin(reply)


def test_stale_if_error_serves_the_stale_copy(tmp_path):
    # Age 100 with max-age=10: stale by 90 s at once, within stale-if-error=600 (RFC 5861 §4).
    ok = (b"HTTP/1.1 200 OK\r\nCache-Control: max-age=10, stale-if-error=600\r\nAge: 100\r\n"
          b'ETag: "v1"\r\nContent-Length: 3\r\n\r\nold')
    error = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nfail"
    origin = first_then(ok, lambda req: error)
    proxy = Proxy(str(tmp_path))
    try:
        assert fetch(proxy.url, origin.url + "/s")[1] == "old"
        h, body = fetch(proxy.url, origin.url + "/s")
        assert (h["status"], h["x-cache"], body) == (200, "STALE", "old")  # the origin said 500
        origin.close()
        # No origin at all (connection refused): still the stale copy.
        h, body = fetch(proxy.url, origin.url + "/s")
        assert (h["status"], h["x-cache"], body) == (200, "STALE", "old")
    finally:
        proxy.stop()
        origin.close()


def test_stale_if_error_window_is_bounded(tmp_path):
    old = (b"HTTP/1.1 200 OK\r\nCache-Control: max-age=10, stale-if-error=600\r\nAge: 1000\r\n"
           b"Content-Length: 3\r\n\r\nold")
    origin = first_then(old, lambda req: b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")
    proxy = Proxy(str(tmp_path))
    try:
        assert fetch(proxy.url, origin.url + "/s")[1] == "old"
        h, body = fetch(proxy.url, origin.url + "/s")
        assert (h["status"], body) == (503, "busy")  # stale by 990 s > 600
    finally:
        proxy.stop()
        origin.close()


def test_stale_while_revalidate_serves_at_once_and_refreshes(tmp_path):
    import threading
    import time
    release = threading.Event()
    old = (b"HTTP/1.1 200 OK\r\nCache-Control: max-age=1, stale-while-revalidate=600\r\nAge: 100\r\n"
           b'ETag: "v1"\r\nContent-Length: 3\r\n\r\nold')

    def later(req):
        release.wait(DEADLINE)  # the origin is slow: the client must not wait for it
        return b'HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nETag: "v2"\r\nContent-Length: 3\r\n\r\nnew'
    origin = first_then(old, later)
    proxy = Proxy(str(tmp_path))
    try:
        assert fetch(proxy.url, origin.url + "/w")[1] == "old"
        h, body = fetch(proxy.url, origin.url + "/w", "--max-time", "5")
        assert (h["x-cache"], body) == ("STALE", "old")
        fetch(proxy.url, origin.url + "/w", "--max-time", "5")  # one background fetch per key, not two
        release.set()
        end = time.monotonic() + DEADLINE
        while fetch(proxy.url, origin.url + "/w")[1] != "new":
            assert time.monotonic() < end, "the background revalidation never stored the new response"
            time.sleep(0.02)
        h, body = fetch(proxy.url, origin.url + "/w")
        assert (h["x-cache"], body) == ("HIT", "new")
        assert len(origin.requests) == 2
        assert b'If-None-Match: "v1"' in origin.requests[1]  # a conditional GET, sent in the background
    finally:
        release.set()
        proxy.stop()
        origin.close()
