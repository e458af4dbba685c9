"""Issue 20: TLS 1.2 offers only ECDHE with AES-GCM or ChaCha20-Poly1305 — no CBC, no static RSA —
checked with openssl s_client against `layer7 http serve` with an RSA certificate (so that RSA key
exchange would otherwise be possible)."""
import shutil
import subprocess

import pytest

from conftest import free_port


@pytest.fixture(scope="module")
def rsa_cert(tmp_path_factory):
    d = tmp_path_factory.mktemp("rsa")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                        "-keyout", str(d / "key.pem"), "-out", str(d / "cert.pem")], capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return d / "cert.pem", d / "key.pem"


def handshake(port, *args):
    r = subprocess.run(["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-servername", "localhost", *args],
                       input=b"", capture_output=True, timeout=30)
    return r.returncode == 0 and b"Cipher is (NONE)" not in r.stdout, r.stdout.decode(errors="replace")


def test_tls12_refuses_cbc_and_static_rsa(layer7, tmp_path, rsa_cert):
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    port = free_port()
    cert, key = rsa_cert
    layer7("http", "serve", "--root", str(tmp_path), "--listen", f"127.0.0.1:{free_port()}",
           "--tls-listen", f"127.0.0.1:{port}", "--tls-cert", str(cert), "--tls-key", str(key))
    for cbc in ("AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-RSA-AES256-SHA384", "AES128-GCM-SHA256"):
        ok, out = handshake(port, "-tls1_2", "-cipher", cbc)
        assert not ok, f"{cbc} was accepted:\n{out}"
    for aead in ("ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305"):
        ok, out = handshake(port, "-tls1_2", "-cipher", aead)
        assert ok and aead in out, out
    ok, out = handshake(port, "-tls1_3")
    assert ok and "TLSv1.3" in out, out
