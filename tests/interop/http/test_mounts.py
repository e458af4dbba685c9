"""Handlers mounted by [[http.mount]]: a files tree under a prefix (redirects keep the prefix), the
sample /time handler at a second prefix and for one host only, and an Upgrade request to a handler
that does not upgrade getting its normal answer."""
import json
import os

import pytest

from httpkit import curl, get, make_site, up


@pytest.fixture(scope="module")
def mounted(tmp_path_factory):
    base = str(tmp_path_factory.mktemp("mounts"))
    root = make_site(base)
    docs = os.path.join(base, "docs")
    os.makedirs(os.path.join(docs, "guide"))
    with open(os.path.join(docs, "guide", "index.html"), "w") as f:
        f.write("<h1>the guide</h1>\n")
    with open(os.path.join(docs, "a.txt"), "w") as f:
        f.write("docs a")
    extra = (f'[[http.mount]]\nprefix = "/docs/"\nhandler = "files"\nroot = "{docs}"\n\n'
             '[[http.mount]]\nprefix = "/clock"\nhandler = "time"\n\n'
             '[[http.mount]]\nhost = "only.test"\nprefix = "/private"\nhandler = "time"\n')
    s = up(base, root=root, extra=extra)
    yield s
    s.assert_alive()
    s.stop()


def test_files_under_a_prefix(mounted):
    assert get(mounted.port, "/docs/a.txt").body == b"docs a"
    r = get(mounted.port, "/docs/guide")
    assert r.status == 301
    assert r.header("location").endswith("/docs/guide/")
    assert get(mounted.port, "/docs/guide/").body == b"<h1>the guide</h1>\n"
    # Dot-segments are removed before routing: this is /a.txt of the main site, not of the mount.
    assert get(mounted.port, "/docs/../a.txt").status == 404


def test_time_handler_at_its_prefixes(mounted):
    for path in ("/time", "/clock"):
        r = get(mounted.port, path)
        assert r.status == 200
        assert r.header("content-type") == "application/json"
        doc = json.loads(r.body)
        assert doc["client"] == "127.0.0.1" and doc["unix"] > 0
    assert get(mounted.port, "/private").status == 404
    assert get(mounted.port, "/private", headers=["Host: only.test"]).status == 200
    assert get(mounted.port, "/clock", headers=["X: y"]).status == 200
    r = curl("-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", mounted.url("/time"))
    assert r.stdout == "405"


def test_upgrade_to_a_handler_that_does_not_upgrade(mounted):
    r = curl("-s", "-D", "-", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket", mounted.url("/docs/a.txt"))
    assert r.stdout.startswith("HTTP/1.1 200 OK")
    assert r.stdout.endswith("docs a")
