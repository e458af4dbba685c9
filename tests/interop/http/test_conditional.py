"""Conditional GET (RFC 9110 §13): If-Modified-Since (`curl -z`), If-None-Match → 304; If-Range;
If-Match / If-Unmodified-Since → 412."""
import os

from httpkit import curl, get, read_file, server, site  # noqa: F401


def validators(server, path):
    r = get(server.port, path)
    return r.header("ETag"), r.header("Last-Modified")


def test_curl_z_with_the_files_own_time_gets_304(server, site, tmp_path):
    ref = tmp_path / "ref"
    ref.write_text("x")
    st = os.stat(os.path.join(site, "hello.txt"))
    os.utime(ref, (st.st_mtime, st.st_mtime))
    r = curl("-v", "-z", str(ref), server.url("/hello.txt"))
    assert "If-Modified-Since:" in r.stderr
    assert "< HTTP/1.1 304" in r.stderr and r.stdout == ""


def test_curl_z_with_an_older_date_gets_the_file(server):
    r = curl("-v", "-z", "Mon, 01 Jan 2001 00:00:00 GMT", server.url("/hello.txt"))
    assert "< HTTP/1.1 200" in r.stderr and r.stdout == "hello, world\n"


def test_if_modified_since_later_than_the_file_is_304(server):
    r = get(server.port, "/hello.txt", headers=["If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"])
    assert r.status == 304 and r.body == b""


def test_if_none_match_with_the_etag_is_304_with_validators(server):
    etag, lm = validators(server, "/small.bin")
    r = get(server.port, "/small.bin", headers=[f"If-None-Match: {etag}"])
    assert r.status == 304 and r.body == b""
    assert r.header("ETag") == etag
    assert r.header("Content-Length") in (None, "1024")  # if present, it must be the full length


def test_if_none_match_list_and_star(server):
    etag, _ = validators(server, "/small.bin")
    assert get(server.port, "/small.bin", headers=[f'If-None-Match: "nope", {etag}']).status == 304
    assert get(server.port, "/small.bin", headers=["If-None-Match: *"]).status == 304
    assert get(server.port, "/small.bin", headers=['If-None-Match: "other"']).status == 200


def test_if_none_match_wins_over_if_modified_since(server):
    # RFC 9110 §13.1.3: If-Modified-Since is ignored when If-None-Match is present
    r = get(server.port, "/small.bin", headers=['If-None-Match: "other"',
                                                "If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT"])
    assert r.status == 200


def test_if_match_mismatch_is_412_and_match_is_200(server):
    etag, _ = validators(server, "/small.bin")
    assert get(server.port, "/small.bin", headers=['If-Match: "other"']).status == 412
    assert get(server.port, "/small.bin", headers=[f"If-Match: {etag}"]).status == 200
    assert get(server.port, "/small.bin", headers=["If-Unmodified-Since: Mon, 01 Jan 2001 00:00:00 GMT"]
               ).status == 412


def test_if_range_with_the_current_etag_gives_206(server, site):
    etag, _ = validators(server, "/big.bin")
    r = get(server.port, "/big.bin", headers=["Range: bytes=10-19", f"If-Range: {etag}"])
    assert r.status == 206 and r.body == read_file(site, "big.bin")[10:20]


def test_if_range_with_an_old_etag_gives_the_whole_file(server, site):
    r = get(server.port, "/big.bin", headers=["Range: bytes=10-19", 'If-Range: "old-etag"'])
    assert r.status == 200 and r.body == read_file(site, "big.bin")


def test_if_range_with_the_last_modified_date(server, site):
    _, lm = validators(server, "/big.bin")
    r = get(server.port, "/big.bin", headers=["Range: bytes=0-3", f"If-Range: {lm}"])
    assert r.status == 206 and r.body == read_file(site, "big.bin")[:4]
    r = get(server.port, "/big.bin", headers=["Range: bytes=0-3", "If-Range: Mon, 01 Jan 2001 00:00:00 GMT"])
    assert r.status == 200 and len(r.body) == 300 * 1024


def test_curl_resume_uses_a_range(server, site, tmp_path):
    out = tmp_path / "part"
    data = read_file(site, "big.bin")
    out.write_bytes(data[:1000])
    r = curl("-C", "-", "-o", str(out), server.url("/big.bin"))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == data
