"""Headless Chromium loads the demo page with its ten images over persistent connections: the access
log shows all eleven objects, the trace shows far fewer than eleven TCP connections."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import Process, layer7_bin, start_group, stop_group
from httpkit import DEADLINE, up

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (tools/setup.sh test)")


def chromium(url, user_dir, *extra):
    args = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--no-proxy-server", f"--user-data-dir={user_dir}", *extra, url]
    return subprocess.run(args, capture_output=True, text=True, timeout=90)


def test_chromium_fetches_the_page_and_ten_images_over_few_connections(tmp_path):
    log = tmp_path / "access.log"
    s = up(str(tmp_path), http=f'access_log = "{log}"', global_flags=("--trace",))
    try:
        r = chromium(s.url("/someDepartment/"), str(tmp_path / "profile"), "--dump-dom")
        assert r.returncode == 0, r.stderr[-3000:]
        assert "someDepartment" in r.stdout and r.stdout.count("<img") == 10
        # the DOM is dumped after the load event, i.e. after every image has arrived and been logged
        lines = log.read_text().splitlines()
    finally:
        s.stop()
    requested = [re.search(r'"GET (\S+) HTTP/1\.1" (\d+)', line).groups() for line in lines]
    assert ("/someDepartment/", "200") in requested
    images = {p for p, st in requested if p.startswith("/images/") and st == "200"}
    assert images == {f"/images/pic{i:02d}.png" for i in range(1, 11)}, requested
    trace = s.proc.output()
    conns = {m.group(1) for m in re.finditer(r"#(\d+) C: GET ", trace)}
    assert 1 <= len(conns) <= 6, f"{len(conns)} connections for {len(requested)} requests"
    assert len(requested) >= 11


def test_chromium_screenshot_renders(tmp_path):
    s = up(str(tmp_path))
    try:
        out = tmp_path / "shot.png"
        r = chromium(s.url("/someDepartment/"), str(tmp_path / "profile"), f"--screenshot={out}", "--window-size=800,600")
        assert r.returncode == 0, r.stderr[-3000:]
        assert out.read_bytes().startswith(b"\x89PNG") and os.path.getsize(out) > 1000
    finally:
        s.stop()


def test_chromium_loads_the_page_over_h2_on_one_connection(tmp_path):
    log = tmp_path / "access.log"
    s = up(str(tmp_path), http=f'access_log = "{log}"', global_flags=("--trace",), tls=True)
    try:
        r = chromium(s.tls_url("/someDepartment/"), str(tmp_path / "profile"), "--ignore-certificate-errors", "--dump-dom")
        assert r.returncode == 0, r.stderr[-3000:]
        assert "someDepartment" in r.stdout and r.stdout.count("<img") == 10
        lines = log.read_text().splitlines()
    finally:
        s.stop()
    requested = [re.search(r'"GET (\S+) HTTP/2\.0" (\d+)', line).groups() for line in lines]
    assert ("/someDepartment/", "200") in requested
    images = {p for p, st in requested if p.startswith("/images/") and st == "200"}
    assert images == {f"/images/pic{i:02d}.png" for i in range(1, 11)}, requested
    # Every request is a HEADERS frame from the client, all on one connection.
    trace = s.proc.output()
    conns = {m.group(1) for m in re.finditer(r"#(\d+) C: HEADERS stream=\d+", trace)}
    assert len(conns) == 1, trace[-3000:]


def test_chromium_chats_over_a_websocket_on_its_h2_connection(tmp_path):
    """The demo's chat page in Chromium over HTTPS: the page comes over h2, and the browser opens its
    WebSocket as an extended CONNECT on that same connection (RFC 8441), which our SETTINGS allow. An
    observer in the room on plain HTTP/1.1 (`layer7 ws`) sees Chromium join and speak."""
    log = tmp_path / "access.log"
    s = up(str(tmp_path), http=f'access_log = "{log}"', tls=True)
    observer = Process([layer7_bin(), "ws", s.url("/ws/chat?name=observer").replace("http://", "ws://")],
                       ready=None, stdin=subprocess.PIPE)  # stdin open: the client stays in the room
    browser = None
    try:
        observer.wait_output('"you":"observer"', deadline=DEADLINE)
        url = s.tls_url("/chat.html?name=chromium&say=hello%20from%20chromium")
        browser = start_group([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                               "--no-first-run", "--disable-background-networking", "--disable-component-update",
                               "--disable-sync", "--disable-dev-shm-usage", "--no-proxy-server",
                               "--ignore-certificate-errors", "--remote-debugging-port=0",
                               f"--user-data-dir={tmp_path / 'profile'}", url],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        observer.wait_output('"type":"join","name":"chromium"', deadline=60)
        observer.wait_output('"from":"chromium","text":"hello from chromium"', deadline=DEADLINE)
    finally:
        if browser:
            stop_group(browser, 15)
        observer.stop()
        s.stop()
    lines = log.read_text().splitlines()
    assert any('"GET /chat.html?name=chromium' in line and "HTTP/2.0" in line for line in lines), lines
    assert any('"CONNECT /ws/chat?name=chromium HTTP/2.0" 200' in line for line in lines), lines
