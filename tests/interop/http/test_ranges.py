"""Range requests (RFC 9110 §14): `curl -r 0-99`, `-r -100`, multiple ranges → 206 multipart/byteranges,
unsatisfiable → 416 with `Content-Range: bytes */N`."""
import email.parser
import email.policy
import re

import pytest

from httpkit import curl, get, read_file, server, site  # noqa: F401

N = 300 * 1024


@pytest.mark.parametrize("name", ["small.bin", "big.bin"])  # memory cache and sendfile
def test_curl_r_first_100_bytes(server, site, name):
    r = curl("-D", "/dev/stderr", "-r", "0-99", server.url("/" + name), text=False)
    assert r.stdout == read_file(site, name)[:100]
    head = r.stderr.decode()
    assert head.startswith("HTTP/1.1 206")
    size = len(read_file(site, name))
    assert re.search(rf"(?im)^content-range: bytes 0-99/{size}\r?$", head)
    assert re.search(r"(?im)^content-length: 100\r?$", head)


@pytest.mark.parametrize("name", ["small.bin", "big.bin"])
def test_curl_r_last_100_bytes(server, site, name):
    data = read_file(site, name)
    r = get(server.port, "/" + name, headers=["Range: bytes=-100"])
    assert r.status == 206 and r.body == data[-100:]
    assert r.header("Content-Range") == f"bytes {len(data) - 100}-{len(data) - 1}/{len(data)}"
    assert curl("-r", "-100", server.url("/" + name), text=False).stdout == data[-100:]


def test_open_ended_and_over_long_ranges_are_clamped(server, site):
    data = read_file(site, "big.bin")
    r = get(server.port, "/big.bin", headers=[f"Range: bytes={N - 10}-"])
    assert r.status == 206 and r.body == data[-10:]
    r = get(server.port, "/big.bin", headers=[f"Range: bytes={N - 10}-{N + 5000}"])
    assert r.status == 206 and r.body == data[-10:] and r.header("Content-Range") == f"bytes {N - 10}-{N - 1}/{N}"


def parse_multipart(r):
    ctype = r.header("Content-Type")
    assert ctype.startswith("multipart/byteranges"), ctype
    raw = b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + r.body
    msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(raw)
    assert msg.is_multipart() and not msg.defects, msg.defects
    return [(p["Content-Range"], p["Content-Type"], p.get_payload(decode=True)) for p in msg.iter_parts()]


@pytest.mark.parametrize("name", ["small.bin", "big.bin"])
def test_multiple_ranges_give_multipart_byteranges(server, site, name):
    data = read_file(site, name)
    size = len(data)
    r = curl("-D", "/dev/stderr", "-r", "0-9,100-199,-5", server.url("/" + name), text=False)
    assert r.stderr.decode().startswith("HTTP/1.1 206")
    head = r.stderr.decode()
    ctype = re.search(r"(?im)^content-type: (.*?)\r?$", head).group(1)
    length = int(re.search(r"(?im)^content-length: (\d+)", head).group(1))
    assert length == len(r.stdout)

    class R:  # noqa: D401 - tiny adapter for parse_multipart
        body = r.stdout

        @staticmethod
        def header(_):
            return ctype
    parts = parse_multipart(R)
    assert [p[0] for p in parts] == [f"bytes 0-9/{size}", f"bytes 100-199/{size}", f"bytes {size - 5}-{size - 1}/{size}"]
    assert [p[2] for p in parts] == [data[0:10], data[100:200], data[-5:]]
    assert all(p[1] == "application/octet-stream" for p in parts)


def test_unsatisfiable_range_is_416_with_content_range_star(server):
    r = get(server.port, "/small.bin", headers=["Range: bytes=5000-6000"])
    assert r.status == 416
    assert r.header("Content-Range") == "bytes */1024"
    r = curl("-r", "2000000-", "-o", "/dev/null", "-w", "%{http_code}", server.url("/big.bin"))
    assert r.stdout == "416"


def test_a_malformed_range_is_ignored(server, site):
    r = get(server.port, "/small.bin", headers=["Range: lines=1-2"])
    assert r.status == 200 and r.body == read_file(site, "small.bin")
    r = get(server.port, "/small.bin", headers=["Range: bytes=9-3"])
    assert r.status in (200, 416)


def test_head_with_a_range_has_no_body(server):
    r = get(server.port, "/small.bin", method="HEAD", headers=["Range: bytes=0-9"])
    assert r.status in (200, 206) and r.body == b""
