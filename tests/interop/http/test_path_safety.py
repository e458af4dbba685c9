"""Paths that escape the root — `..`, `%2e%2e`, encoded slashes, symlinks leading out — get 403 or 404
and never the outside file's content."""
import pytest

from httpkit import Reader, connect, curl, server, site  # noqa: F401

SECRET = b"TOP-SECRET"


def raw_get(server, target):
    with connect(server.port) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        r = Reader(s).final()
    server.assert_alive()
    return r


@pytest.mark.parametrize("target", [
    b"/../outside/secret.txt", b"/../../outside/secret.txt", b"/dir/../../outside/secret.txt",
    b"/%2e%2e/outside/secret.txt", b"/%2E%2E/outside/secret.txt", b"/.%2e/outside/secret.txt",
    b"/%2e%2e%2foutside%2fsecret.txt", b"/dir/%2e%2e/%2e%2e/outside/secret.txt",
    b"/..%2foutside/secret.txt", b"/..%5coutside%5csecret.txt", b"/..\\outside\\secret.txt",
    b"/%252e%252e/outside/secret.txt", b"//../outside/secret.txt", b"/./../outside/secret.txt",
    b"http://x/../outside/secret.txt",
])
def test_dot_dot_escapes_are_refused(server, target):
    r = raw_get(server, target)
    assert r.status in (400, 403, 404), (target, r)
    assert SECRET not in r.body


@pytest.mark.parametrize("path", ["/escape.txt", "/escape-dir/secret.txt", "/escape-dir/"])
def test_symlinks_leading_out_are_refused(server, path):
    r = raw_get(server, path.encode())
    assert r.status in (403, 404), (path, r)
    assert SECRET not in r.body


def test_curl_path_as_is_cannot_escape(server):
    r = curl("--path-as-is", "-w", "%{http_code}", server.url("/../outside/secret.txt"))
    assert "TOP-SECRET" not in r.stdout and r.stdout[-3:] in ("403", "404")


def test_dot_dot_inside_the_root_is_harmless(server):
    r = raw_get(server, b"/dir/../hello.txt")
    assert r.status in (200, 403) and SECRET not in r.body
    if r.status == 200:
        assert r.body == b"hello, world\n"


def test_listing_does_not_follow_symlinks_out(server):
    r = raw_get(server, b"/")
    assert SECRET not in r.body


@pytest.fixture(scope="module")
def writable(tmp_path_factory):
    from httpkit import make_site, serve
    base = str(tmp_path_factory.mktemp("ws"))
    s = serve(make_site(base), "--writable")
    s.base = base
    yield s
    s.assert_alive()
    s.stop()


def test_put_and_delete_never_reach_outside_the_root(writable):
    import os
    from httpkit import get
    outside = os.path.join(writable.base, "outside")
    for method, path in [("PUT", "/escape-dir/new.txt"), ("PUT", "/escape-dir/secret.txt"),
                         ("DELETE", "/escape-dir/secret.txt"), ("PUT", "/../outside/x.txt"),
                         ("PUT", "/%2e%2e/outside/x.txt"), ("DELETE", "/%2e%2e/outside/secret.txt"),
                         ("PUT", "/escape.txt"), ("DELETE", "/escape.txt")]:
        r = get(writable.port, path, method=method, body=b"PWNED" if method == "PUT" else b"")
        assert r.status != 500, (method, path, r)
        assert sorted(os.listdir(outside)) == ["secret.txt"], (method, path)
        with open(os.path.join(outside, "secret.txt"), "rb") as f:
            assert f.read() == b"TOP-SECRET-CONTENT\n", (method, path)
