"""Issue 20: TLS 1.2 offers only ECDHE with AES-GCM or ChaCha20-Poly1305 — no CBC, no static RSA —
checked with openssl s_client against `layer7 http serve` with an RSA certificate (so that RSA key
exchange would otherwise be possible). The suites follow the config when it asks: `tls_ciphers`
("modern", the default, or an OpenSSL cipher list) and `tls13_ciphersuites` in a service's section;
`layer7 config check` reports a list OpenSSL refuses."""
import shutil
import subprocess

import pytest

from conftest import free_port, layer7_bin, run

CBC = "ECDHE-RSA-AES128-SHA"


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


def https_config(tmp_path, rsa_cert, tls_port, extra=""):
    cert, key = rsa_cert
    conf = tmp_path / "https.toml"
    conf.write_text(f'[http]\nroot = "{tmp_path}"\nlisten = "127.0.0.1:{free_port()}"\n'
                    f'tls_listen = "127.0.0.1:{tls_port}"\ntls_cert = "{cert}"\ntls_key = "{key}"\n{extra}')
    return conf


def test_cbc_is_refused_by_default(layer7, tmp_path, rsa_cert):
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    port = free_port()
    layer7("--data", str(tmp_path / "data"), "up", "--config", str(https_config(tmp_path, rsa_cert, port)))
    ok, out = handshake(port, "-tls1_2", "-cipher", CBC)
    assert not ok, out
    ok, out = handshake(port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")
    assert ok, out
    # TLS 1.3: the server's order, AES-128-GCM first, although openssl offers AES-256-GCM first
    ok, out = handshake(port, "-tls1_3")
    assert ok and "TLS_AES_128_GCM_SHA256" in out, out
    ok, out = handshake(port, "-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384")
    assert ok and "TLS_AES_256_GCM_SHA384" in out, out


def test_cbc_is_accepted_when_the_config_asks(layer7, tmp_path, rsa_cert):
    if not shutil.which("openssl"):
        pytest.skip("openssl not installed")
    port = free_port()
    conf = https_config(tmp_path, rsa_cert, port, 'tls_ciphers = "DEFAULT"\n'
                                                  'tls13_ciphersuites = "TLS_CHACHA20_POLY1305_SHA256"\n')
    layer7("--data", str(tmp_path / "data"), "up", "--config", str(conf))
    ok, out = handshake(port, "-tls1_2", "-cipher", CBC)
    assert ok and CBC in out, out
    ok, out = handshake(port, "-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384")
    assert not ok, out
    ok, out = handshake(port, "-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
    assert ok and "TLS_CHACHA20_POLY1305_SHA256" in out, out


def test_config_check_reports_cipher_lists_openssl_refuses(tmp_path, rsa_cert):
    bad = https_config(tmp_path, rsa_cert, free_port(), 'tls_ciphers = "NO-SUCH-CIPHER"\n'
                                                        'tls13_ciphersuites = "TLS_NOPE"\n')
    r = run([layer7_bin(), "config", "check", str(bad)])
    assert r.returncode == 2, r.stdout + r.stderr
    out = r.stdout + r.stderr
    assert "http.tls_ciphers: TLS 1.2 cipher list 'NO-SUCH-CIPHER'" in out, out
    # every TLS-speaking section knows the keys
    good = tmp_path / "all.toml"
    good.write_text(f'[runtime]\ndata = "{tmp_path}"\n'
                    '[smtp]\ntls_ciphers = "modern"\n[ftp]\ntls_ciphers = "HIGH:!aNULL"\n'
                    f'root = "{tmp_path}"\n[imap]\ntls13_ciphersuites = "TLS_AES_128_GCM_SHA256"\n'
                    '[pop3]\ntls_ciphers = "DEFAULT"\n'
                    )
    (tmp_path / "users").write_text("")
    r = run([layer7_bin(), "config", "check", str(good)])
    assert r.returncode == 0, r.stdout + r.stderr
