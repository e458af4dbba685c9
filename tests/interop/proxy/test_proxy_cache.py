"""The forward caching proxy with curl -x and `layer7 get --proxy`, `layer7 http serve` as origin:
X-Cache, Via, Age, heuristic freshness, revalidation (a 304 in the origin's log, not a second body),
no-store / private never served to another client, collapsed forwarding, the status page,
and the cache surviving a restart."""
import concurrent.futures
import json
import os

import pytest

from proxykit import (HOST, CannedOrigin, Origin, Proxy, curl, get, headers_of, log_entries, modified_now,
                      wait_log)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("proxy"))
    origin = Origin(tmp)
    proxy = Proxy(tmp)
    yield origin, proxy
    proxy.stop()
    origin.stop()


def through(proxy, url, *args):
    r = curl("-x", proxy.url, "-D", "-", "-o", os.devnull, *args, url)
    assert r.returncode == 0, r.stderr
    return headers_of(r.stdout)


def test_miss_then_hit_with_via_and_age(world):
    origin, proxy = world
    h1 = through(proxy, origin.url + "/old.txt")
    assert h1["status"] == 200 and h1["x-cache"] == "MISS"
    assert f"{HOST}:{proxy.port} (layer7)" in h1["via"]
    h2 = through(proxy, origin.url + "/old.txt")
    assert h2["x-cache"] == "HIT"
    assert int(h2["age"]) >= 0
    assert h2["etag"] == h1["etag"]
    # The origin saw one request: the hit never left the proxy (heuristic freshness, §4.2.2).
    assert wait_log(origin.log, "/old.txt", 1) == [("GET", 200)]
    body = curl("-x", proxy.url, origin.url + "/old.txt")
    assert body.stdout.encode() == origin.files["old.txt"]


def test_layer7_get_through_the_proxy(world):
    origin, proxy = world
    r = get("--proxy", proxy.url, "-v", origin.url + "/kib.bin", "-o", os.devnull)
    assert r.returncode == 0, r.stderr
    assert "> GET " + origin.url + "/kib.bin HTTP/1.1" in r.stderr  # absolute-form to a proxy
    assert "< X-Cache: MISS" in r.stderr
    r = get("--proxy", proxy.url, "-v", origin.url + "/kib.bin", "-o", os.devnull)
    assert r.returncode == 0, r.stderr
    assert "< X-Cache: HIT" in r.stderr


def test_stale_entry_is_revalidated_with_304(world):
    origin, proxy = world
    modified_now(origin.root)
    h1 = through(proxy, origin.url + "/new.txt")
    assert h1["x-cache"] == "MISS"
    h2 = through(proxy, origin.url + "/new.txt")
    assert h2["x-cache"] == "REVALIDATED"
    assert h2["etag"] == h1["etag"]
    # The second request reached the origin as a conditional GET and got 304, no body.
    assert wait_log(origin.log, "/new.txt", 2) == [("GET", 200), ("GET", 304)]
    body = curl("-x", proxy.url, origin.url + "/new.txt")
    assert body.stdout.encode() == origin.files["new.txt"]


def test_client_no_cache_forces_revalidation(world):
    origin, proxy = world
    through(proxy, origin.url + "/images/3.png")
    h = through(proxy, origin.url + "/images/3.png", "-H", "Cache-Control: no-cache")
    assert h["x-cache"] == "REVALIDATED"
    assert wait_log(origin.log, "/images/3.png", 2) == [("GET", 200), ("GET", 304)]


def test_client_conditional_answered_from_cache(world):
    origin, proxy = world
    h1 = through(proxy, origin.url + "/images/4.png")
    r = curl("-x", proxy.url, "-D", "-", "-o", os.devnull, "-H", f"If-None-Match: {h1['etag']}",
             origin.url + "/images/4.png")
    assert headers_of(r.stdout)["status"] == 304


def test_no_store_is_never_served_to_another_client(world):
    origin, proxy = world
    # /session answers Cache-Control: no-store and a Set-Cookie.
    ha = through(proxy, origin.url + "/session")
    hb = through(proxy, origin.url + "/session")
    assert ha["x-cache"] == "MISS" and hb["x-cache"] == "MISS"
    assert ha["set-cookie"] != hb["set-cookie"]  # each client got its own session
    assert len(wait_log(origin.log, "/session", 2)) == 2


def test_private_is_never_served_to_another_client():
    private = CannedOrigin(lambda req: b"HTTP/1.1 200 OK\r\nCache-Control: private, max-age=600\r\n"
                                       b"Content-Length: 7\r\n\r\nsecret" + str(len(private.requests)).encode())
    # (the body carries how many requests the origin has seen)
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        proxy = Proxy(tmp)
        try:
            a = curl("-x", proxy.url, private.url + "/me")
            b = curl("-x", proxy.url, private.url + "/me")
            assert a.stdout == "secret1" and b.stdout == "secret2"
            assert len(private.requests) == 2
        finally:
            proxy.stop()
            private.close()


def test_collapsed_forwarding(tmp_path):
    slow = CannedOrigin(lambda req: b"HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: 4\r\n\r\nslow",
                        delay=0.8)
    proxy = Proxy(str(tmp_path))
    try:
        n = 8
        with concurrent.futures.ThreadPoolExecutor(n) as pool:
            results = list(pool.map(lambda _: curl("-x", proxy.url, "-D", "-", slow.url + "/c"), range(n)))
        assert all(r.returncode == 0 and r.stdout.endswith("slow") for r in results)
        # N concurrent misses → one origin fetch.
        assert len(slow.requests) == 1
        status = json.loads(curl(proxy.url + "/layer7-status").stdout)
        assert status["collapsed"] >= 1
        assert status["origin_requests"] == 1
    finally:
        proxy.stop()
        slow.close()


def test_status_page(world):
    origin, proxy = world
    for _ in range(3):
        through(proxy, origin.url + "/images/1.png")
    status = json.loads(curl(proxy.url + "/layer7-status").stdout)
    assert status["hits"] >= 2
    assert 0 < status["hit_ratio"] <= 1
    assert status["bytes_saved"] >= 2 * len(origin.files["images/1.png"])
    assert status["cache"]["entries"] >= 1
    also = json.loads(curl("-x", proxy.url, f"http://{HOST}:{proxy.port}/status").stdout)
    assert also["requests"] >= status["requests"]


def test_cache_survives_restart(tmp_path):
    origin = Origin(str(tmp_path))
    proxy = Proxy(str(tmp_path))
    try:
        assert through(proxy, origin.url + "/restart.txt")["x-cache"] == "MISS"
        proxy.stop()
        proxy = Proxy(str(tmp_path), cache_dir=proxy.cache_dir)
        h = through(proxy, origin.url + "/restart.txt")
        assert h["x-cache"] == "HIT"
        assert curl("-x", proxy.url, origin.url + "/restart.txt").stdout.encode() == origin.files["restart.txt"]
        assert log_entries(origin.log, "/restart.txt") == [("GET", 200)]
    finally:
        proxy.stop()
        origin.stop()


def test_cache_size_limit_evicts(tmp_path):
    origin = Origin(str(tmp_path))
    proxy = Proxy(str(tmp_path), "--cache-size", "6000")
    try:
        for i in range(1, 6):
            through(proxy, origin.url + f"/images/{i}.png")
        status = json.loads(curl(proxy.url + "/layer7-status").stdout)
        assert status["cache"]["bytes"] <= 6000
        assert status["cache"]["entries"] < 5
        files = [f for f in os.listdir(proxy.cache_dir) if f.endswith(".entry")]
        assert len(files) == status["cache"]["entries"]
    finally:
        proxy.stop()
        origin.stop()


def test_post_passes_through_and_invalidates(tmp_path):
    canned = CannedOrigin(lambda req: b"HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: 2\r\n\r\nok")
    proxy = Proxy(str(tmp_path))
    try:
        assert through(proxy, canned.url + "/x")["x-cache"] == "MISS"
        assert through(proxy, canned.url + "/x")["x-cache"] == "HIT"
        assert curl("-x", proxy.url, "-d", "a=1", canned.url + "/x").stdout == "ok"
        assert canned.requests[-1].startswith(b"POST /x HTTP/1.1")
        # A non-error answer to an unsafe method removes what is stored for it (RFC 9111 §4.4).
        assert through(proxy, canned.url + "/x")["x-cache"] == "MISS"
        assert len(canned.requests) == 3
    finally:
        proxy.stop()
        canned.close()


def test_a_304_for_our_own_revalidation_never_reaches_a_plain_get(tmp_path):
    # The origin answers every conditional GET with a 304 naming another validator (RFC 9111 §4.3.4:
    # it does not select the stored response), and unconditional ones with the new version.
    def reply(req):
        if b"\r\nif-none-match:" in req.lower():
            return b'HTTP/1.1 304 Not Modified\r\nETag: "v2"\r\nCache-Control: max-age=0\r\n\r\n'
        return b'HTTP/1.1 200 OK\r\nETag: "v2"\r\nCache-Control: max-age=0\r\nContent-Length: 3\r\n\r\nnew'
    first = [True]

    def versions(req):
        if first[0]:
            first[0] = False
            return b'HTTP/1.1 200 OK\r\nETag: "v1"\r\nCache-Control: max-age=0\r\nContent-Length: 3\r\n\r\nold'
        return reply(req)
    canned = CannedOrigin(versions)
    proxy = Proxy(str(tmp_path))
    try:
        assert curl("-x", proxy.url, canned.url + "/v").stdout == "old"
        r = curl("-x", proxy.url, "-s", "-D", "-", canned.url + "/v")
        assert r.stdout.startswith("HTTP/1.1 200 OK"), r.stdout
        assert r.stdout.endswith("new")
    finally:
        proxy.stop()
        canned.close()


def test_trace_shows_both_sides_of_a_revalidation(tmp_path):
    canned = CannedOrigin(lambda req: (b'HTTP/1.1 304 Not Modified\r\nETag: "t"\r\n\r\n' if b"If-None-Match" in req else
                                       b'HTTP/1.1 200 OK\r\nETag: "t"\r\nCache-Control: max-age=0\r\nContent-Length: 2\r\n\r\nok'))
    proxy = Proxy(str(tmp_path), "--trace")
    try:
        assert curl("-x", proxy.url, canned.url + "/t").stdout == "ok"
        assert curl("-x", proxy.url, canned.url + "/t").stdout == "ok"
        proxy.proc.wait_output('C: If-None-Match: "t"')  # our conditional GET to the origin
        proxy.proc.wait_output("S: HTTP/1.1 304 Not Modified")  # and its answer
        proxy.proc.wait_output("S: X-Cache: REVALIDATED")  # what the client got
    finally:
        proxy.stop()
        canned.close()
