"""Real clients against layer7: curl (passive, active, FTPS, resume, upload), lftp and wget."""
import re
import shutil
import subprocess

import pytest

from conftest import free_port
from ftp_support import PASSWORD, ftp_server, make_tree, run_tool  # noqa: F401

BINARY = bytes(range(256)) * 64


def need(tool):
    if not shutil.which(tool):
        pytest.skip(f"{tool} not installed")


def curl(*args):
    return run_tool(["curl", "-sS", "--max-time", "30", *args])


def test_curl_passive_list_and_get(ftp_server):
    need("curl")
    r = curl(ftp_server.url("pub/"))
    assert r.returncode == 0, r.stderr
    assert "hello.txt" in r.stdout and r.stdout.splitlines()[0].startswith("-rw")
    r = curl(ftp_server.url("README.txt"))
    assert r.returncode == 0 and r.stdout == "hello from layer7\n"
    r = curl("--disable-epsv", ftp_server.url("pub/hello.txt"))  # PASV instead of EPSV
    assert r.returncode == 0 and r.stdout == "line one\nline two\n"


def test_curl_active(ftp_server):
    need("curl")
    r = curl("-P", "-", ftp_server.url("pub/hello.txt"))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "line one\nline two\n"
    r = curl("-P", "-", "--disable-eprt", ftp_server.url("README.txt"))  # PORT instead of EPRT
    assert r.returncode == 0 and r.stdout == "hello from layer7\n"


def test_curl_upload_and_resume(ftp_server, tmp_path):
    need("curl")
    src = tmp_path / "up.bin"
    src.write_bytes(BINARY)
    r = curl("-T", str(src), ftp_server.url("upload/", user="alice"))
    assert r.returncode == 0, r.stderr
    assert (ftp_server.root / "upload" / "up.bin").read_bytes() == BINARY
    part = tmp_path / "part.bin"
    part.write_bytes(BINARY[:5000])
    r = curl("-C", "-", "-o", str(part), ftp_server.url("pub/binary.bin"))
    assert r.returncode == 0, r.stderr
    assert part.read_bytes() == BINARY
    r = curl("-T", str(src), ftp_server.url("upload/", user="bob"))  # bob may not write
    assert r.returncode != 0


def test_curl_ftps_explicit(ftp_server, tmp_path):
    need("curl")
    r = curl("--ssl-reqd", "-k", ftp_server.url("pub/binary.bin", user="alice"), "-o", str(tmp_path / "b"))
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "b").read_bytes() == BINARY
    src = tmp_path / "s.bin"
    src.write_bytes(BINARY[::-1])
    r = curl("--ssl-reqd", "-k", "-T", str(src), ftp_server.url("upload/s.bin", user="alice"))
    assert r.returncode == 0, r.stderr
    assert (ftp_server.root / "upload" / "s.bin").read_bytes() == BINARY[::-1]
    r = curl("--ssl-reqd", "-k", ftp_server.url("pub/", user="alice"))
    assert r.returncode == 0 and "hello.txt" in r.stdout


def curl_version():
    out = subprocess.run(["curl", "--version"], capture_output=True, text=True, timeout=10).stdout
    m = re.match(r"curl (\d+)\.(\d+)", out)
    return (int(m.group(1)), int(m.group(2))) if m else (0, 0)


def test_curl_ftps_active(ftp_server):
    """PORT/EPRT with PROT P: we connect to curl and are the TLS server on that connection (RFC 4217)."""
    need("curl")
    if (7, 87) <= curl_version() < (8, 0):
        # curl 7.87.0-7.88.x forgot to put TLS on an accepted (active) data connection: after
        # "Connection accepted from server" it never sends its ClientHello and waits forever, against
        # vsftpd as well (curl/curl#10666, fixed in 8.0.0). ftplib and lftp cover active FTPS here.
        pytest.skip(f"curl {'.'.join(map(str, curl_version()))} never starts TLS on an active data connection")
    r = curl("--ssl-reqd", "-k", "-P", "-", ftp_server.url("pub/", user="alice"))
    assert r.returncode == 0, r.stderr
    assert "hello.txt" in r.stdout
    r = curl("--ssl-reqd", "-k", "-P", "-", ftp_server.url("pub/hello.txt", user="alice"))
    assert r.returncode == 0 and r.stdout == "line one\nline two\n"


@pytest.mark.parametrize("settings", ["set ftp:ssl-allow no", "set ftp:ssl-force yes; set ftp:ssl-protect-data yes",
                                      "set ftp:ssl-allow no; set ftp:passive-mode off",
                                      "set ftp:ssl-force yes; set ftp:ssl-protect-data yes; set ftp:passive-mode off"])
def test_lftp(ftp_server, tmp_path, settings):
    need("lftp")
    src = tmp_path / "lftp-up.bin"
    src.write_bytes(BINARY)
    script = (f"set ssl:verify-certificate no; set net:max-retries 1; set net:timeout 10; {settings}; "
              f"open -u alice,'{PASSWORD}' -p {ftp_server.port} 127.0.0.1; "
              f"cls -1 pub; get pub/hello.txt -o {tmp_path}/hello.txt; put {src} -o upload/lftp-up.bin; "
              f"mirror pub {tmp_path}/mirror; mkdir upload/d; mv upload/lftp-up.bin upload/d/x.bin; "
              f"rm upload/d/x.bin; rmdir upload/d; bye")
    r = run_tool(["lftp", "-c", script], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "hello.txt" in r.stdout
    assert (tmp_path / "hello.txt").read_text() == "line one\nline two\n"
    assert (tmp_path / "mirror" / "binary.bin").read_bytes() == BINARY
    assert list((ftp_server.root / "upload").iterdir()) == []


@pytest.mark.parametrize("mode", [[], ["--no-passive-ftp"]])
def test_wget(ftp_server, tmp_path, mode):
    need("wget")
    r = run_tool(["wget", "-q", "-T", "10", "-t", "1", *mode, "-O", str(tmp_path / "r.txt"),
                  ftp_server.url("README.txt")])
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "r.txt").read_text() == "hello from layer7\n"
    r = run_tool(["wget", "-q", "-T", "10", "-t", "1", *mode, "-r", "-nH", "-P", str(tmp_path / "m"),
                  ftp_server.url("pub/")], timeout=60)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "m" / "pub" / "binary.bin").read_bytes() == BINARY
    assert (tmp_path / "m" / "pub" / "hello.txt").read_text() == "line one\nline two\n"


def test_lftp_defaults_without_a_certificate(layer7, tmp_path):
    """Issue 20: with no certificate configured no AUTH TLS is offered, so lftp's defaults (use TLS
    when offered, verify it) transfer in the clear instead of refusing a made-up certificate."""
    need("lftp")
    root = tmp_path / "root"
    make_tree(root)
    port = free_port()
    layer7("--data", str(tmp_path / "data"), "ftp", "serve", "--root", str(root), "--listen",
           f"127.0.0.1:{port}", "--anonymous")
    feat = run_tool(["curl", "-sS", "--max-time", "10", "-Q", "FEAT", f"ftp://127.0.0.1:{port}/", "-v"])
    assert "AUTH TLS" not in feat.stderr
    script = (f"set net:max-retries 1; set net:timeout 10; open -p {port} 127.0.0.1; "
              f"cls -1 pub; get pub/hello.txt -o {tmp_path}/hello.txt; bye")
    r = run_tool(["lftp", "-c", script], timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "hello.txt" in r.stdout
    assert (tmp_path / "hello.txt").read_text() == "line one\nline two\n"
