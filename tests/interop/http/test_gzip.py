"""Content coding (RFC 9110 §8.4, §12.5.3): gzip for compressible types when accepted (`curl --compressed`),
never for a PNG; `Vary: Accept-Encoding`; a distinct ETag for the gzipped representation."""
import gzip

import pytest

from httpkit import CSS, HTML, PNG, curl, get, server, site  # noqa: F401


@pytest.mark.parametrize("name,text", [("page.html", HTML), ("style.css", CSS)])
def test_curl_compressed_gets_gzip_and_decodes_to_the_file(server, name, text):
    r = curl("-v", "--compressed", server.url("/" + name))
    assert r.returncode == 0, r.stderr
    assert r.stdout == text
    assert "< Content-Encoding: gzip" in r.stderr
    assert "< Vary: Accept-Encoding" in r.stderr


def test_gzip_body_is_smaller_and_valid(server):
    r = get(server.port, "/page.html", headers=["Accept-Encoding: gzip"])
    assert r.header("Content-Encoding") == "gzip"
    assert int(r.header("Content-Length")) == len(r.body) < len(HTML)
    assert gzip.decompress(r.body) == HTML.encode()
    plain = get(server.port, "/page.html")
    assert plain.header("Content-Encoding") is None and plain.body == HTML.encode()
    assert plain.header("Vary") == "Accept-Encoding"
    assert plain.header("ETag") != r.header("ETag")  # two representations, two validators


def test_png_is_never_gzipped(server):
    r = curl("-v", "--compressed", server.url("/pic.png"), text=False)
    assert r.stdout == PNG
    assert b"Content-Encoding" not in r.stderr


def test_gzip_refused_with_q0_and_no_accept_encoding(server):
    assert get(server.port, "/page.html", headers=["Accept-Encoding: gzip;q=0"]).header("Content-Encoding") is None
    assert get(server.port, "/page.html", headers=["Accept-Encoding: br"]).header("Content-Encoding") is None
    assert get(server.port, "/page.html", headers=["Accept-Encoding: br, gzip;q=0.5"]
               ).header("Content-Encoding") == "gzip"


def test_304_keeps_vary(server):
    plain = get(server.port, "/style.css")
    r = get(server.port, "/style.css", headers=[f"If-None-Match: {plain.header('ETag')}"])
    assert r.status == 304 and r.header("Vary") == "Accept-Encoding"


def test_gzip_and_conditional_get(server):
    r = get(server.port, "/style.css", headers=["Accept-Encoding: gzip"])
    again = get(server.port, "/style.css", headers=["Accept-Encoding: gzip", f"If-None-Match: {r.header('ETag')}"])
    assert again.status == 304


def test_head_with_gzip_has_the_gzip_length_and_no_body(server):
    g = get(server.port, "/style.css", headers=["Accept-Encoding: gzip"])
    h = get(server.port, "/style.css", method="HEAD", headers=["Accept-Encoding: gzip"])
    assert h.body == b"" and h.header("Content-Length") == g.header("Content-Length")
