"""nginx as the origin behind our proxy: hits, a revalidation that shows as 304 in nginx's access
log, private answers never shared, and --origin (reverse proxy) mode in front of nginx."""
import os

import pytest

from proxykit import HOST, Nginx, Proxy, curl, get, headers_of, modified_now, wait_log, write_site


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("nginx-origin"))
    root = os.path.join(tmp, "root")
    files = write_site(root)
    nginx = Nginx(tmp, root, locations="""
        location = /private.txt { add_header Cache-Control "private, max-age=600"; }
        location = /max-age.txt { add_header Cache-Control "max-age=600"; }
    """)
    with open(os.path.join(root, "private.txt"), "w") as f:
        f.write("for one user only\n")
    with open(os.path.join(root, "max-age.txt"), "w") as f:
        f.write("fresh for ten minutes\n")
    proxy = Proxy(tmp)
    yield nginx, proxy, files
    proxy.stop()
    nginx.stop()


def through(proxy, url, *args):
    r = curl("-x", proxy.url, "-D", "-", "-o", os.devnull, *args, url)
    assert r.returncode == 0, r.stderr
    return headers_of(r.stdout)


def test_curl_hits_nginx_objects(world):
    nginx, proxy, files = world
    assert through(proxy, nginx.url + "/max-age.txt")["x-cache"] == "MISS"
    assert through(proxy, nginx.url + "/max-age.txt")["x-cache"] == "HIT"
    assert wait_log(nginx.log, "/max-age.txt", 1) == [("GET", 200)]


def test_revalidation_is_a_304_in_nginx_log(world):
    nginx, proxy, files = world
    modified_now(nginx.root)
    assert through(proxy, nginx.url + "/new.txt")["x-cache"] == "MISS"
    assert through(proxy, nginx.url + "/new.txt")["x-cache"] == "REVALIDATED"
    assert wait_log(nginx.log, "/new.txt", 2) == [("GET", 200), ("GET", 304)]
    assert curl("-x", proxy.url, nginx.url + "/new.txt").stdout.encode() == files["new.txt"]


def test_layer7_get_through_proxy_to_nginx(world):
    nginx, proxy, files = world
    r = get("--proxy", proxy.url, nginx.url + "/big.txt")
    assert r.returncode == 0, r.stderr
    assert r.stdout.encode() == files["big.txt"]


def test_private_from_nginx_is_not_shared(world):
    nginx, proxy, files = world
    assert through(proxy, nginx.url + "/private.txt")["x-cache"] == "MISS"
    assert through(proxy, nginx.url + "/private.txt")["x-cache"] == "MISS"
    assert len(wait_log(nginx.log, "/private.txt", 2)) == 2


def test_reverse_proxy_in_front_of_nginx(world, tmp_path):
    nginx, _, files = world
    reverse = Proxy(str(tmp_path), "--origin", nginx.url)
    try:
        for want in ("MISS", "HIT"):
            r = curl("-D", "-", "-o", os.devnull, reverse.url + "/old.txt")
            assert headers_of(r.stdout)["x-cache"] == want
        assert curl(reverse.url + "/old.txt").stdout.encode() == files["old.txt"]
        assert wait_log(nginx.log, "/old.txt", 1)[:1] == [("GET", 200)]
    finally:
        reverse.stop()
