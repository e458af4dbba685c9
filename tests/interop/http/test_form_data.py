"""Issue 20: /echo parses multipart/form-data (RFC 7578) — curl -F with fields and files, a body
shaped as a browser sends it (WebKit boundary, an empty file input), a large upload streamed through —
and answers malformed bodies with 400."""
import http.client
import os
import re

from httpkit import HOST, curl, server, site  # noqa: F401


def post(server, body, content_type):
    c = http.client.HTTPConnection(HOST, server.port, timeout=30)
    c.request("POST", "/echo", body=body, headers={"Content-Type": content_type})
    r = c.getresponse()
    text = r.read().decode(errors="replace")
    c.close()
    return r.status, text


def row(html, name):
    """The cells of the parts table's row for part `name`."""
    for tr in re.findall(r"<tr><td>(.*?)</td></tr>", html):
        cells = tr.split("</td><td>")
        if cells[0] == name:
            return cells
    raise AssertionError(f"no part {name} in {html}")


def test_curl_fields_and_a_file(server, tmp_path):
    photo = tmp_path / "cat photo.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF" + os.urandom(5000))
    notes = tmp_path / "notes.txt"
    notes.write_text("first line\nsecond line\n")
    r = curl("-F", "animal=monkeys", "-F", "fruit=kiwi & lime", "-F", f"photo=@{photo};type=image/jpeg",
             "-F", f"notes=@{notes}", server.url("/echo"))
    assert r.returncode == 0, r.stderr
    html = r.stdout
    assert "Body (multipart/form-data)" in html and "4 parts" in html
    assert "<th>animal</th><td>monkeys</td>" in html
    assert "<th>fruit</th><td>kiwi &amp; lime</td>" in html
    name, filename, ctype, size, first = row(html, "photo")
    assert (filename, ctype, size) == ("cat photo.jpg", "image/jpeg", str(photo.stat().st_size))
    assert first.startswith("<code>\\xff\\xd8\\xff\\xe0\\x00\\x10JFIF") and first.endswith("…</code>")
    _, filename, ctype, size, first = row(html, "notes")
    assert (filename, ctype, size) == ("notes.txt", "text/plain", "23")
    assert first == "<code>first line\\x0asecond line\\x0a</code>"


def test_browser_shaped_form(server):
    b = "----WebKitFormBoundaryq8RkJ7Zb3xW2mPnA"
    body = (f"--{b}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHello, <world>\r\n"
            f"--{b}\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n\r\n"
            f"--{b}\r\nContent-Disposition: form-data; name=\"caf\u00e9\"\r\n\r\nna\u00efve\r\n"
            f"--{b}--\r\n").encode()
    status, html = post(server, body, f"multipart/form-data; boundary={b}")
    assert status == 200, html
    assert "<th>title</th><td>Hello, &lt;world&gt;</td>" in html
    assert row(html, "upload")[1:4] == ["", "application/octet-stream", "0"]
    assert "<th>caf\u00e9</th><td>na\u00efve</td>" in html


def test_a_large_upload_streams_through(server, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(8 << 20))
    r = curl("-F", f"blob=@{big}", server.url("/echo"), timeout=120)
    assert r.returncode == 0, r.stderr
    assert row(r.stdout, "blob")[3] == str(8 << 20)


def test_malformed_bodies_are_400(server):
    ok_part = 'Content-Disposition: form-data; name="a"\r\n\r\nx\r\n'
    cases = {
        "no closing boundary": ("--XyZ\r\n" + ok_part, "multipart/form-data; boundary=XyZ"),
        "no name": ("--XyZ\r\nContent-Type: text/plain\r\n\r\nx\r\n--XyZ--", "multipart/form-data; boundary=XyZ"),
        "junk after boundary": ("--XyZjunk\r\n" + ok_part + "--XyZ--", "multipart/form-data; boundary=XyZ"),
        "no boundary parameter": ("--XyZ\r\n" + ok_part + "--XyZ--", "multipart/form-data"),
        "boundary too long": ("x", "multipart/form-data; boundary=" + "b" * 71),
        "header block too long": ("--XyZ\r\n" + "X-Pad: " + "p" * 9000 + "\r\n" + ok_part + "--XyZ--",
                                  "multipart/form-data; boundary=XyZ"),
        "too many parts": ("".join(f'--XyZ\r\nContent-Disposition: form-data; name="p{i}"\r\n\r\nv\r\n'
                                   for i in range(300)) + "--XyZ--", "multipart/form-data; boundary=XyZ"),
    }
    for what, (body, ctype) in cases.items():
        status, text = post(server, body.encode(), ctype)
        assert status == 400, (what, status, text)
        assert "multipart/form-data" in text, (what, text)
    # ...and the server is fine afterwards
    status, html = post(server, ("--XyZ\r\n" + ok_part + "--XyZ--").encode(), "multipart/form-data; boundary=XyZ")
    assert status == 200 and "<th>a</th><td>x</td>" in html
