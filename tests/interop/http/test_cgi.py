"""CGI (RFC 3875) behind [[http.cgi]], driven by curl: shell and python scripts for GET and POST,
local and client redirects, 10 MiB both ways, the time limit (504, the script's process group
killed, no zombie), the output limit (reply cut), malformed header blocks (502), and scripts that
must not run (outside the directory, not executable)."""
import hashlib
import os
import re
import stat
import time

import pytest

from httpkit import HOST, curl, up

SCRIPTS = {
    # every meta-variable, one per line
    "env.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\nenv | sort\n",
    # the body back, as it streams
    "echo.sh": "#!/bin/sh\nprintf 'Content-Type: application/octet-stream\\n\\n'\nexec cat\n",
    "upload.py": """#!/usr/bin/python3
import hashlib, os, sys
n = int(os.environ.get("CONTENT_LENGTH", "0"))
data = sys.stdin.buffer.read(n)
sys.stdout.write("Status: 201 Stored\\r\\nContent-Type: text/plain\\r\\nX-Script: python\\r\\n\\r\\n")
sys.stdout.write("%d %s %s\\n" % (len(data), hashlib.sha256(data).hexdigest(), os.environ.get("CONTENT_TYPE", "")))
""",
    "download.py": """#!/usr/bin/python3
import sys
out = sys.stdout.buffer
out.write(b"Content-Type: application/octet-stream\\n\\n")
block = bytes(range(256)) * 256
for _ in range(160):  # 10 MiB
    out.write(block)
""",
    "local.sh": "#!/bin/sh\nprintf 'Location: /hello.txt\\n\\n'\n",
    "to-script.sh": "#!/bin/sh\nprintf 'Location: /cgi-bin/env.sh/via?redirected=1\\n\\n'\n",
    "loop.sh": "#!/bin/sh\nprintf 'Location: /cgi-bin/loop.sh\\n\\n'\n",
    "away.sh": "#!/bin/sh\nprintf 'Location: http://example.invalid/elsewhere\\n\\n'\n",
    "moved.sh": ("#!/bin/sh\nprintf 'Status: 301 Moved\\nLocation: http://example.invalid/new\\n"
                 "Content-Type: text/html\\n\\n<a href=\"http://example.invalid/new\">moved</a>\\n'\n"),
    "malformed.sh": "#!/bin/sh\nprintf 'this is not a header\\n\\nbody\\n'\n",
    "no-header.sh": "#!/bin/sh\nprintf '<html>forgot the header</html>\\n'\n",
    "early-exit.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n'\nexit 1\n",
    "stderr.sh": "#!/bin/sh\necho 'oops-from-the-script' >&2\nprintf 'Content-Type: text/plain\\n\\nfine\\n'\n",
    "not-executable.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nran\\n'\n",
    "sub/inner.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\ninner %s\\n' \"$PATH_INFO\"\n",
}
LIMITED = {
    # the pid goes to a file, then the script hangs with a child in its group
    "slow.sh": "#!/bin/sh\necho $$ > \"$PID_FILE_DIR/slow.pid\"\nprintf 'Content-Type: text/plain\\n'\nsleep 60\n",
    "flood.sh": "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\n'\nexec yes flood\n",
}
OUTSIDE = "#!/bin/sh\nprintf 'Content-Type: text/plain\\n\\nOUTSIDE-RAN\\n'\n"


def write(path, text, mode=0o755):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


@pytest.fixture(scope="module")
def cgi(tmp_path_factory):
    base = str(tmp_path_factory.mktemp("cgi"))
    root = os.path.join(base, "root")
    os.makedirs(root)
    write(os.path.join(root, "hello.txt"), "hello, world\n", 0o644)
    scripts, limited = os.path.join(base, "scripts"), os.path.join(base, "limited")
    for name, text in SCRIPTS.items():
        write(os.path.join(scripts, name), text, 0o644 if name == "not-executable.sh" else 0o755)
    for name, text in LIMITED.items():
        write(os.path.join(limited, name), text.replace("$PID_FILE_DIR", base))
    write(os.path.join(base, "outside", "evil.sh"), OUTSIDE)
    os.symlink(os.path.join(base, "outside", "evil.sh"), os.path.join(scripts, "escape.sh"))
    os.symlink(os.path.join(base, "outside"), os.path.join(scripts, "escape-dir"))
    extra = (f'[[http.cgi]]\nprefix = "/cgi-bin/"\ndir = "{scripts}"\ntime_limit = 20\n\n'
             f'[[http.cgi]]\nprefix = "/limited/"\ndir = "{limited}"\ntime_limit = 2\nmax_output = 1048576\n\n'
             '[[http.cgi]]\nprefix = "/demo/"\ndir = ""\n')
    s = up(base, root=root, extra=extra, tls=True)
    s.base = base
    yield s
    s.assert_alive()
    s.stop()


def env_of(text):
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def test_get_meta_variables(cgi):
    r = curl("-H", "X-Test: yes", "-H", "Proxy: http://evil:1/", cgi.url("/cgi-bin/env.sh/extra/path?a=1&b=two"))
    assert r.returncode == 0, r.stderr
    env = env_of(r.stdout)
    assert env["REQUEST_METHOD"] == "GET"
    assert env["QUERY_STRING"] == "a=1&b=two"
    assert env["SCRIPT_NAME"] == "/cgi-bin/env.sh"
    assert env["PATH_INFO"] == "/extra/path"
    assert env["GATEWAY_INTERFACE"] == "CGI/1.1"
    assert env["SERVER_PROTOCOL"] == "HTTP/1.1"
    assert env["SERVER_NAME"] == HOST and env["SERVER_PORT"] == str(cgi.port)
    assert env["REMOTE_ADDR"] == "127.0.0.1" and int(env["REMOTE_PORT"]) > 0
    assert env["HTTP_X_TEST"] == "yes"
    assert "HTTP_PROXY" not in env  # httpoxy
    assert "CONTENT_LENGTH" not in env and "HTTPS" not in env
    assert env["SCRIPT_FILENAME"].endswith("/scripts/env.sh")


def test_https_over_tls(cgi):
    r = curl("-k", cgi.tls_url("/cgi-bin/env.sh"))
    assert r.returncode == 0, r.stderr
    env = env_of(r.stdout)
    assert env["HTTPS"] == "on" and env["SERVER_PORT"] == str(cgi.tls_port)


def test_post_to_python(cgi):
    body = b"animal=monkeys&fruit=bananas"
    r = curl("-i", "-d", body.decode(), cgi.url("/cgi-bin/upload.py"))
    assert r.returncode == 0, r.stderr
    head, _, text = r.stdout.partition("\n\n")  # text mode: CRLF read as LF
    assert head.startswith("HTTP/1.1 201 Stored")
    assert "X-Script: python" in head
    assert text == f"{len(body)} {hashlib.sha256(body).hexdigest()} application/x-www-form-urlencoded\n"


def test_demo_pageexec(cgi):
    r = curl(cgi.url("/demo/pageexec?animal=monkeys&fruit=ban%3Canas"))
    assert r.returncode == 0, r.stderr
    assert "<th>animal</th><td>monkeys</td>" in r.stdout
    assert "<th>fruit</th><td>ban&lt;anas</td>" in r.stdout  # decoded, then escaped
    r = curl("-d", "animal=gorillas&fruit=mangoes", cgi.url("/demo/pageexec"))
    assert "Method: POST" in r.stdout and "<th>animal</th><td>gorillas</td>" in r.stdout


def test_local_redirect_is_served_inside(cgi):
    r = curl("-i", cgi.url("/cgi-bin/local.sh"))
    assert r.stdout.startswith("HTTP/1.1 200"), r.stdout
    assert r.stdout.endswith("hello, world\n")
    assert "Location" not in r.stdout
    r = curl(cgi.url("/cgi-bin/to-script.sh"))
    env = env_of(r.stdout)
    assert env["PATH_INFO"] == "/via" and env["QUERY_STRING"] == "redirected=1"
    assert curl("-o", "/dev/null", "-w", "%{http_code}", cgi.url("/cgi-bin/loop.sh")).stdout == "502"


def test_client_redirect(cgi):
    r = curl("-i", cgi.url("/cgi-bin/away.sh"))
    assert r.stdout.startswith("HTTP/1.1 302"), r.stdout
    assert "Location: http://example.invalid/elsewhere" in r.stdout
    r = curl("-i", cgi.url("/cgi-bin/moved.sh"))
    assert r.stdout.startswith("HTTP/1.1 301 Moved"), r.stdout
    assert r.stdout.endswith('<a href="http://example.invalid/new">moved</a>\n')


def test_ten_mib_both_ways(cgi):
    payload = os.urandom(10 << 20)
    path = os.path.join(cgi.base, "payload.bin")
    with open(path, "wb") as f:
        f.write(payload)
    r = curl("--data-binary", f"@{path}", "-H", "Content-Type: application/octet-stream",
             cgi.url("/cgi-bin/echo.sh"), text=False, timeout=60)
    assert r.returncode == 0, r.stderr
    assert hashlib.sha256(r.stdout).digest() == hashlib.sha256(payload).digest()
    r = curl("-D", "-", cgi.url("/cgi-bin/download.py"), text=False, timeout=60)
    head, _, body = r.stdout.partition(b"\r\n\r\n")
    assert b"Transfer-Encoding: chunked" in head  # the script gave no length
    assert body == (bytes(range(256)) * 256) * 160


def group_alive(pgid):
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:  # state ppid pgrp …
                return True
    return False


def zombies_of(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] == "Z":
                found.append(int(entry))
    return found


def wait_for(predicate, deadline=10.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_slow_script_gets_504_and_is_killed(cgi):
    start = time.monotonic()
    r = curl("-o", "/dev/null", "-w", "%{http_code}", cgi.url("/limited/slow.sh"))
    assert r.stdout == "504"
    assert time.monotonic() - start < 10
    with open(os.path.join(cgi.base, "slow.pid")) as f:
        pid = int(f.read())
    assert wait_for(lambda: not group_alive(pid)), "the script's process group outlived the time limit"
    assert wait_for(lambda: not zombies_of(cgi.proc.proc.pid)), "a zombie was left"
    cgi.proc.wait_output("over its time limit: killed")


def test_output_flood_is_cut(cgi):
    r = curl("-o", "/dev/null", "-w", "%{size_download}", cgi.url("/limited/flood.sh"))
    assert r.returncode == 18, (r.returncode, r.stderr)  # partial file: the chunked body never ended
    assert 0 < int(r.stdout) <= (1 << 20) + 65536
    cgi.proc.wait_output("output over 1048576 bytes")
    assert wait_for(lambda: not zombies_of(cgi.proc.proc.pid))


@pytest.mark.parametrize("script", ["malformed.sh", "no-header.sh", "early-exit.sh"])
def test_bad_header_block_is_502(cgi, script):
    r = curl("-o", "/dev/null", "-w", "%{http_code}", cgi.url(f"/cgi-bin/{script}"))
    assert r.stdout == "502"


def test_stderr_goes_to_the_log(cgi):
    assert curl(cgi.url("/cgi-bin/stderr.sh")).stdout == "fine\n"
    cgi.proc.wait_output("oops-from-the-script")


@pytest.mark.parametrize("path,status", [
    ("/cgi-bin/escape.sh", 403),          # a symlink leading out
    ("/cgi-bin/escape-dir/evil.sh", 403),
    ("/cgi-bin/not-executable.sh", 403),
    ("/cgi-bin/missing.sh", 404),
    ("/cgi-bin/", 403),                    # no listing of the scripts
    ("/cgi-bin/sub", 403),
    ("/cgi-bin/../../outside/evil.sh", 403),  # above the root: refused by the Router
])
def test_refused_scripts(cgi, path, status):
    r = curl("-w", "%{http_code}", "--path-as-is", cgi.url(path))
    assert r.stdout.endswith(str(status)), r.stdout
    assert "OUTSIDE-RAN" not in r.stdout and "ran" not in r.stdout.split("\n")[-1]


def test_script_in_a_subdirectory(cgi):
    assert curl(cgi.url("/cgi-bin/sub/inner.sh/x")).stdout == "inner /x\n"


def test_chunked_request_needs_a_length(cgi):
    r = curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "Transfer-Encoding: chunked", "-d", "x=1",
             cgi.url("/cgi-bin/upload.py"))
    assert r.stdout == "411"
