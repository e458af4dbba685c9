"""HTTPS on the TLS listener of `layer7 up`: the dev certificate under DATA/tls, TLS 1.2 and 1.3,
curl -k and --cacert, python's http.client over TLS."""
import http.client
import os
import ssl

import pytest

from httpkit import HOST, curl, up


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    s = up(str(tmp_path_factory.mktemp("tls")), tls=True)
    yield s
    s.assert_alive()
    s.stop()


def cert(s):
    return os.path.join(s.data, "tls", "dev-cert.pem")


def test_dev_certificate_was_made(tls_server):
    assert os.path.exists(cert(tls_server))
    assert os.path.exists(os.path.join(tls_server.data, "tls", "dev-key.pem"))


def test_curl_k(tls_server):
    r = curl("-k", "-v", tls_server.tls_url("/"))
    assert r.returncode == 0, r.stderr
    assert "someDepartment" in r.stdout


def test_curl_cacert_verifies_the_dev_certificate(tls_server):
    r = curl("--cacert", cert(tls_server), tls_server.tls_url("/images/pic01.png"), "-o", "/dev/null",
             "-w", "%{http_code}")
    assert r.stdout == "200", r.stderr
    r = curl("--cacert", cert(tls_server), f"https://localhost:{tls_server.tls_port}/", "-o", "/dev/null",
             "-w", "%{http_code}")
    assert r.stdout == "200", r.stderr


def test_without_the_ca_curl_refuses(tls_server):
    r = curl(tls_server.tls_url("/"))
    assert r.returncode != 0


@pytest.mark.parametrize("flags,version", [(["--tlsv1.2", "--tls-max", "1.2"], "TLSv1.2"),
                                           (["--tlsv1.3"], "TLSv1.3")])
def test_tls_versions(tls_server, flags, version):
    r = curl("-v", "--cacert", cert(tls_server), *flags, tls_server.tls_url("/"), tls_server.tls_url("/form.html"))
    assert r.returncode == 0, r.stderr
    assert f"SSL connection using {version}" in r.stderr
    assert "Re-using existing connection" in r.stderr or "Reusing existing connection" in r.stderr


def test_session_cookie_is_secure_over_tls(tls_server):
    r = curl("-v", "--cacert", cert(tls_server), tls_server.tls_url("/session"))
    line = next(l for l in r.stderr.splitlines() if l.lower().startswith("< set-cookie:"))  # h2: lower case
    assert "Secure" in [p.strip() for p in line.split(":", 1)[1].split(";")]


def test_http_client_over_tls(tls_server):
    ctx = ssl.create_default_context(cafile=cert(tls_server))
    c = http.client.HTTPSConnection(HOST, tls_server.tls_port, context=ctx, timeout=10)
    for i in range(1, 4):
        c.request("GET", f"/images/pic0{i}.png")
        r = c.getresponse()
        assert r.status == 200 and r.read().startswith(b"\x89PNG")
    c.close()


def test_plain_http_to_the_tls_port_does_not_crash(tls_server):
    r = curl(f"http://{HOST}:{tls_server.tls_port}/")
    assert r.returncode != 0 or "400" in r.stdout
    tls_server.assert_alive()
