"""Static files: Content-Type, Content-Length, Last-Modified, ETag; directory index.html, HTML listing,
`/dir` → 301 with Location (RFC 9110 §8, §15.4.2)."""
import email.utils
import os
import re

import pytest

from httpkit import curl, get, read_file, server, site  # noqa: F401


@pytest.mark.parametrize("name,ctype", [
    ("hello.txt", "text/plain"), ("page.html", "text/html"), ("style.css", "text/css"),
    ("pic.png", "image/png"), ("small.bin", "application/octet-stream"), ("big.bin", "application/octet-stream"),
])
def test_type_length_and_validators(server, site, name, ctype):
    r = get(server.port, "/" + name)
    data = read_file(site, name)
    assert r.status == 200
    assert r.body == data
    assert r.header("Content-Type").split(";")[0].strip() == ctype
    assert r.header("Content-Length") == str(len(data))
    st = os.stat(os.path.join(site, name))
    assert email.utils.parsedate_to_datetime(r.header("Last-Modified")).timestamp() == int(st.st_mtime)
    assert re.fullmatch(r'(W/)?"[^"]+"', r.header("ETag"))
    assert r.header("Date") is not None


def test_big_file_with_curl_is_byte_exact(server, site, tmp_path):
    out = tmp_path / "big"
    r = curl(server.url("/big.bin"), "-o", str(out))
    assert r.returncode == 0 and out.read_bytes() == read_file(site, "big.bin")


def test_etag_changes_when_the_file_changes(tmp_path):
    from httpkit import make_site, serve
    root = make_site(str(tmp_path))
    s = serve(root)
    try:
        first = get(s.port, "/hello.txt").header("ETag")
        path = os.path.join(root, "hello.txt")
        with open(path, "wb") as f:
            f.write(b"changed content\n")
        os.utime(path, (1_600_000_000, 1_600_000_000))
        # the file cache revalidates at most once a second: poll with a deadline
        import time
        end = time.monotonic() + 5
        while True:
            r = get(s.port, "/hello.txt")
            if r.body == b"changed content\n" or time.monotonic() > end:
                break
        assert r.body == b"changed content\n" and r.header("ETag") != first
        assert r.header("Last-Modified") == "Sun, 13 Sep 2020 12:26:40 GMT"
    finally:
        s.stop()


def test_directory_serves_its_index_html(server):
    r = get(server.port, "/dir/")
    assert r.status == 200 and r.body == b"<html><body>the dir index</body></html>\n"
    assert r.header("Content-Type").startswith("text/html")


def test_directory_without_slash_redirects_301_with_location(server):
    r = curl("-sS", "-D", "-", "-o", "/dev/null", server.url("/dir?x=1"))
    assert r.stdout.startswith("HTTP/1.1 301")
    loc = re.search(r"(?im)^location: (\S+)", r.stdout).group(1)
    assert loc.endswith("/dir/?x=1")
    r = curl("-L", server.url("/dir"))
    assert "the dir index" in r.stdout


def test_directory_without_index_gets_an_html_listing(server):
    r = get(server.port, "/list/")
    assert r.status == 200 and r.header("Content-Type").startswith("text/html")
    html = r.body.decode()
    assert "a.txt" in html and "b file.txt" in html or "b%20file.txt" in html
    assert re.search(r'href="(\./)?sub/"', html) or 'href="/list/sub/"' in html
    links = re.findall(r'href="([^"]+)"', html)
    target = next(link for link in links if "b%20file" in link or "b file" in link)
    if not target.startswith("/"):
        target = "/list/" + target.lstrip("./")
    assert get(server.port, target.replace(" ", "%20")).body == b"b\n"


def test_missing_file_is_404(server):
    assert get(server.port, "/no-such-file").status == 404
    assert get(server.port, "/hello.txt/extra").status == 404


def test_percent_encoded_names_are_decoded(server):
    assert get(server.port, "/list/b%20file.txt").body == b"b\n"
    assert get(server.port, "/%68ello.txt").body == b"hello, world\n"
