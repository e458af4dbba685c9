"""Access log in the combined format (nginx/Apache) and `--trace` request/status lines."""
import os
import re
import time

from httpkit import curl, get, make_site, serve

COMBINED = re.compile(r'^(\S+) - - \[(\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "([^"]*)" (\d{3}) (\d+) '
                      r'"([^"]*)" "([^"]*)"$')


def wait_lines(path, n, deadline=5.0):
    end = time.monotonic() + deadline
    while True:
        lines = open(path).read().splitlines() if os.path.exists(path) else []
        if len(lines) >= n or time.monotonic() > end:
            return lines


def test_access_log_lines_are_combined_format(tmp_path):
    root = make_site(str(tmp_path))
    log = str(tmp_path / "access.log")
    s = serve(root, "--access-log", log)
    try:
        curl("-A", "TestAgent/1.0", "-e", "http://ref.example/", s.url("/hello.txt"))
        curl(s.url("/nope"))
        curl("-I", s.url("/small.bin"))
        get(s.port, '/we"ird', headers=["User-Agent: a\\b"])
        lines = wait_lines(log, 4)
    finally:
        s.stop()
    assert len(lines) == 4, lines
    m = [COMBINED.match(line) for line in lines]
    assert all(m), lines
    assert m[0].group(1) == "127.0.0.1"
    assert m[0].group(3) == "GET /hello.txt HTTP/1.1" and m[0].group(4) == "200" and m[0].group(5) == "13"
    assert m[0].group(6) == "http://ref.example/" and m[0].group(7) == "TestAgent/1.0"
    assert m[1].group(4) == "404"
    assert m[2].group(3) == "HEAD /small.bin HTTP/1.1" and m[2].group(5) == "0"
    assert '\\x22' in lines[3] and '\\x5C' in lines[3]  # quotes and backslashes escaped as nginx does


def test_access_log_to_stdout(tmp_path):
    root = make_site(str(tmp_path))
    s = serve(root, "--access-log", "-")
    try:
        curl(s.url("/hello.txt"))
        line = s.proc.wait_output('"GET /hello.txt HTTP/1.1" 200 13')
        assert COMBINED.match(line.strip()), line
    finally:
        s.stop()


def test_trace_shows_request_and_status_lines(tmp_path):
    root = make_site(str(tmp_path))
    s = serve(root, global_flags=("--trace",))
    try:
        curl(s.url("/hello.txt"), s.url("/nope"))
        req = s.proc.wait_output("C: GET /hello.txt HTTP/1.1")
        st = s.proc.wait_output("S: HTTP/1.1 404 Not Found")
        s.proc.wait_output("S: HTTP/1.1 200 OK")
        conn = re.search(r"#(\d+) C:", req).group(1)
        assert f"#{conn} S:" in st  # both requests on one connection
        # The whole heads, as the textbook's transcripts show them.
        s.proc.wait_output(f"#{conn} C: Host: ")
        s.proc.wait_output(f"#{conn} S: Content-Length: ")
    finally:
        s.stop()


def test_rejected_requests_are_logged(tmp_path):
    from httpkit import exchange
    root = make_site(str(tmp_path))
    log = str(tmp_path / "access.log")
    s = serve(root, "--access-log", log)
    try:
        assert exchange(s.port, b"GET / HTTP/2.0\r\nHost: x\r\n\r\n")[0].status == 505
        lines = wait_lines(log, 1, deadline=2)
    finally:
        s.stop()
    assert len(lines) == 1 and " 505 " in lines[0]
