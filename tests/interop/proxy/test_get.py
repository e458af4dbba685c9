"""`layer7 get` against real servers: our origin and nginx (HTTPS with --cacert), curl's cookie jar
in both directions, -L with a hop limit, -I, -d, -o, -v, --fail, gzip, --page, and the exit codes."""
import os
import re
import stat
import threading

import pytest

from proxykit import HOST, CannedOrigin, Nginx, Origin, curl, get, make_cert, write_site
from conftest import free_port


@pytest.fixture(scope="module")
def origin(tmp_path_factory):
    o = Origin(str(tmp_path_factory.mktemp("get-origin")))
    yield o
    o.stop()


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    tmp = str(tmp_path_factory.mktemp("get-nginx"))
    root = os.path.join(tmp, "root")
    files = write_site(root)
    cert, key = make_cert(tmp)
    n = Nginx(tmp, root, tls_cert=cert, tls_key=key, locations="""
        location = /r1 { return 302 /r2; }
        location = /r2 { return 301 /old.txt; }
        location = /loop { return 302 /loop; }
        location = /see-other { return 303 /old.txt; }
    """)
    n.cert, n.files = cert, files
    yield n
    n.stop()


def test_https_against_nginx_with_cacert(nginx):
    r = get("--cacert", nginx.cert, nginx.url + "/old.txt")
    assert r.returncode == 0, r.stderr
    assert r.stdout.encode() == nginx.files["old.txt"]


def test_untrusted_certificate_is_exit_35(nginx):
    r = get(nginx.url + "/old.txt")
    assert r.returncode == 35, r.stderr
    assert "TLS" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert get("--insecure", nginx.url + "/old.txt").returncode == 0


def test_wrong_host_name_is_exit_35(tmp_path):
    root = os.path.join(str(tmp_path), "root")
    write_site(root)
    cert, key = make_cert(str(tmp_path), names=("localhost",))
    n = Nginx(str(tmp_path), root, tls_cert=cert, tls_key=key)
    try:
        # Trusted, but issued for localhost only: 127.0.0.1 is the wrong name.
        r = get("--cacert", cert, f"https://127.0.0.1:{n.port}/old.txt")
        assert r.returncode == 35, r.stderr
        assert get("--cacert", cert, f"https://localhost:{n.port}/old.txt").returncode == 0
    finally:
        n.stop()


def test_redirects_with_hop_limit(nginx):
    r = get("--cacert", nginx.cert, "-L", "-v", nginx.url + "/r1")
    assert r.returncode == 0, r.stderr
    assert r.stdout.encode() == nginx.files["old.txt"]
    assert "< HTTP/1.1 302" in r.stderr and "< HTTP/1.1 301" in r.stderr
    loop = get("--cacert", nginx.cert, "-L", "--max-redirs", "5", nginx.url + "/loop")
    assert loop.returncode == 47
    assert "too many redirects" in loop.stderr
    # Without -L the 3xx itself is the answer.
    plain = get("--cacert", nginx.cert, "-I", nginx.url + "/r1")
    assert plain.returncode == 0 and plain.stdout.startswith("HTTP/1.1 302")
    assert re.search(r"(?im)^Location: .*/r2", plain.stdout)
    # 303 after a POST becomes a GET.
    post = get("--cacert", nginx.cert, "-L", "-d", "x=1", nginx.url + "/see-other")
    assert post.returncode == 0 and post.stdout.encode() == nginx.files["old.txt"]


def test_head_data_output_verbose_fail(origin, tmp_path):
    head = get("-I", origin.url + "/kib.bin")
    assert head.returncode == 0
    assert head.stdout.startswith("HTTP/1.1 200 OK\n")  # CRLF, read in text mode
    assert "Content-Length: 1024" in head.stdout
    posted = get("-d", "name=alice&city=Paris", origin.url + "/echo")
    assert posted.returncode == 0 and "alice" in posted.stdout and "Paris" in posted.stdout
    body_file = tmp_path / "body.txt"
    body_file.write_text("from=file")
    from_file = get("-d", "@" + str(body_file), origin.url + "/echo")
    assert "file" in from_file.stdout
    out = tmp_path / "out.bin"
    assert get("-o", str(out), origin.url + "/kib.bin").returncode == 0
    assert out.read_bytes() == origin.files["kib.bin"]
    verbose = get("-v", origin.url + "/old.txt")
    assert "> GET /old.txt HTTP/1.1" in verbose.stderr
    assert "> Host: " in verbose.stderr
    assert "< HTTP/1.1 200 OK" in verbose.stderr
    missing = get("--fail", origin.url + "/no-such-file")
    assert missing.returncode == 22 and missing.stdout == ""
    assert get(origin.url + "/no-such-file").returncode == 0
    assert get("-X", "DELETE", origin.url + "/old.txt").returncode == 0


def test_output_to_a_fifo_is_written_not_replaced(origin, tmp_path):
    # -o /dev/null must not rename a file over the device (as root that replaced /dev/null for the
    # whole machine); a FIFO takes the same path and is safe to test with.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = get("-o", str(fifo), origin.url + "/kib.bin")
    reader.join(timeout=30)
    assert r.returncode == 0, r.stderr
    assert received == [origin.files["kib.bin"]]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert not os.path.exists(str(fifo) + ".part")


def test_gzip_is_decoded(origin):
    v = get("-v", origin.url + "/big.txt")
    assert v.returncode == 0
    assert "< Content-Encoding: gzip" in v.stderr
    assert v.stdout.encode() == origin.files["big.txt"]


def test_cookie_jar_layer7_to_curl(origin, tmp_path):
    jar = str(tmp_path / "jar.txt")
    first = get("--cookie-jar", jar, origin.url + "/session")
    assert "new visitor" in first.stdout
    text = open(jar).read()
    assert text.startswith("# Netscape HTTP Cookie File")
    assert "#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t0\tlayer7_session\t" in text
    second = curl("-b", jar, origin.url + "/session")
    assert "visit number 2" in second.stdout
    third = get("--cookie-jar", jar, origin.url + "/session")
    assert "visit number 3" in third.stdout


def test_cookie_jar_curl_to_layer7(origin, tmp_path):
    jar = str(tmp_path / "curl-jar.txt")
    first = curl("-c", jar, origin.url + "/session")
    assert "new visitor" in first.stdout
    second = get("--cookie-jar", jar, origin.url + "/session")
    assert "visit number 2" in second.stdout
    # ...and the file we rewrote still works for curl.
    third = curl("-b", jar, origin.url + "/session")
    assert "visit number 3" in third.stdout


def test_page_persistent_and_not(origin):
    keep = get("--page", origin.url + "/index.html")
    assert keep.returncode == 0, keep.stderr
    rows = [l for l in keep.stdout.splitlines() if re.match(r"^\d+\s+200", l)]
    assert len(rows) == 11  # the base page + 10 images
    assert "1 TCP connection (persistent)" in keep.stdout
    fresh = get("--page", "--no-keepalive", origin.url + "/index.html")
    assert fresh.returncode == 0, fresh.stderr
    assert "11 TCP connections (non-persistent)" in fresh.stdout


def test_exit_codes_and_one_line_errors():
    cases = [
        (["http://no-such-host.invalid/"], 6, "resolve"),
        ([f"http://{HOST}:{free_port()}/"], 7, "refused"),
        (["ftp://example.com/"], 3, "URL"),
        (["--http2-prior-knowledge", f"http://{HOST}:{free_port()}/"], 7, "refused"),
    ]
    for args, code, word in cases:
        r = get(*args)
        assert r.returncode == code, (args, r.stderr)
        assert word in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr
    silent = CannedOrigin(lambda req: None)
    try:
        r = get("--timeout", "1", silent.url + "/")
        assert r.returncode == 28 and "timed out" in r.stderr
    finally:
        silent.close()
    garbage = CannedOrigin(lambda req: b"NOT HTTP\r\n\r\n")
    try:
        assert get(garbage.url + "/").returncode == 8
    finally:
        garbage.close()


def test_help_documents_exit_codes():
    r = get("--help")
    assert "EXIT STATUS" in r.stdout and re.search(r"^ *28 +timeout$", r.stdout, re.M), r.stdout
