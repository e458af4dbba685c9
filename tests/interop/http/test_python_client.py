"""python's http.client: keep-alive across many requests on one socket, HEAD, errors, big bodies."""
import http.client

from httpkit import HOST, read_file, server, site  # noqa: F401


def test_many_requests_on_one_connection(server, site):
    c = http.client.HTTPConnection(HOST, server.port, timeout=10)
    c.connect()
    sock = c.sock
    for name in ["hello.txt", "small.bin", "big.bin", "style.css", "nope", "pic.png"] * 3:
        c.request("GET", "/" + name)
        r = c.getresponse()
        body = r.read()
        if name == "nope":
            assert r.status == 404
        else:
            assert r.status == 200 and body == read_file(site, name)
        assert c.sock is sock, "the connection was not kept"
    c.close()


def test_head_then_get(server):
    c = http.client.HTTPConnection(HOST, server.port, timeout=10)
    c.request("HEAD", "/big.bin")
    r = c.getresponse()
    assert r.status == 200 and r.getheader("Content-Length") == str(300 * 1024) and r.read() == b""
    c.request("GET", "/hello.txt")
    assert c.getresponse().read() == b"hello, world\n"
    c.close()


def test_http10_client(server):
    class C10(http.client.HTTPConnection):
        _http_vsn, _http_vsn_str = 10, "HTTP/1.0"
    c = C10(HOST, server.port, timeout=10)
    c.request("GET", "/hello.txt")
    r = c.getresponse()
    assert r.status == 200 and r.read() == b"hello, world\n"
    c.close()


def test_error_bodies_do_not_break_the_connection(server):
    c = http.client.HTTPConnection(HOST, server.port, timeout=10)
    for path, status in [("/nope", 404), ("/hello.txt", 200), ("/%2e%2e/x", 403), ("/hello.txt", 200)]:
        c.request("GET", path)
        r = c.getresponse()
        r.read()
        assert r.status in ((status, 404) if status == 403 else (status,)), (path, r.status)
    c.close()
