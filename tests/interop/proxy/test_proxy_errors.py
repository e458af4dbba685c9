"""Bad input around the proxy: a malformed upstream response → 502 with a log line, an upstream that
never answers → 504, a loop through ourselves → 508, CONNECT to a forbidden port → 403; and a
CONNECT tunnel that works (curl -p to our HTTPS origin)."""
import os
import socket

import pytest

from proxykit import HOST, CannedOrigin, Origin, Proxy, curl, get, headers_of
from conftest import free_port


def status_through(proxy, url, *args):
    r = curl("-x", proxy.url, "-D", "-", "-o", os.devnull, *args, url)
    assert r.returncode == 0, r.stderr
    return headers_of(r.stdout)["status"]


def test_malformed_upstream_is_502_with_a_log_line(tmp_path):
    garbage = CannedOrigin(lambda req: b"HELLO I AM NOT HTTP\r\n\r\n")
    proxy = Proxy(str(tmp_path))
    try:
        assert status_through(proxy, garbage.url + "/x") == 502
        proxy.proc.wait_output("malformed response from upstream", deadline=10)
    finally:
        proxy.stop()
        garbage.close()


def test_silent_upstream_is_504(tmp_path):
    silent = CannedOrigin(lambda req: None)
    proxy = Proxy(str(tmp_path), "--upstream-timeout", "1")
    try:
        assert status_through(proxy, silent.url + "/x") == 504
        proxy.proc.wait_output("upstream timeout", deadline=10)
    finally:
        proxy.stop()
        silent.close()


def test_refused_upstream_is_502(tmp_path):
    proxy = Proxy(str(tmp_path))
    try:
        assert status_through(proxy, f"http://{HOST}:{free_port()}/x") == 502
    finally:
        proxy.stop()


def test_loop_through_ourselves_is_508(tmp_path):
    port = free_port()
    proxy = Proxy(str(tmp_path), "--origin", f"http://{HOST}:{port}", port=port)
    try:
        r = curl("-D", "-", "-o", os.devnull, proxy.url + "/anything")
        assert headers_of(r.stdout)["status"] == 508
        proxy.proc.wait_output("loop detected", deadline=10)
    finally:
        proxy.stop()


def test_origin_form_to_a_forward_proxy_is_400(tmp_path):
    proxy = Proxy(str(tmp_path))
    try:
        r = curl("-D", "-", "-o", os.devnull, proxy.url + "/not-a-proxy-request")
        assert headers_of(r.stdout)["status"] == 400
    finally:
        proxy.stop()


def test_connect_tunnel_to_https_origin(tmp_path):
    origin = Origin(str(tmp_path), tls=True)
    proxy = Proxy(str(tmp_path), "--allow-connect", str(origin.tls_port))
    try:
        url = f"https://{HOST}:{origin.tls_port}/old.txt"
        r = curl("-p", "-x", proxy.url, "--cacert", origin.ca, url)
        assert r.returncode == 0, r.stderr
        assert r.stdout.encode() == origin.files["old.txt"]
        # Our own client tunnels https through the proxy the same way.
        g = get("--proxy", proxy.url, "--cacert", origin.ca, url)
        assert g.returncode == 0, g.stderr
        assert g.stdout.encode() == origin.files["old.txt"]
    finally:
        proxy.stop()
        origin.stop()


def test_connect_to_a_forbidden_port_is_403(tmp_path):
    proxy = Proxy(str(tmp_path))
    try:
        with socket.create_connection((HOST, proxy.port), timeout=10) as s:
            s.sendall(b"CONNECT 127.0.0.1:25 HTTP/1.1\r\nHost: 127.0.0.1:25\r\n\r\n")
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = s.recv(4096)
                if not chunk:
                    break
                answer += chunk
        assert answer.startswith(b"HTTP/1.1 403 ")
        r = curl("-p", "-x", proxy.url, "https://127.0.0.1:25/")
        assert r.returncode != 0 and "403" in r.stderr
        g = get("--proxy", proxy.url, "https://127.0.0.1:25/")
        assert g.returncode == 97, g.stderr
    finally:
        proxy.stop()
