"""Our client (`layer7 ftp ls|get|put|rm`) against vsftpd on loopback, started here with its own config."""
import os
import pwd
import shutil
import subprocess
import time

import pytest

from conftest import free_port, layer7_bin, wait_tcp
from ftp_support import run_tool

BINARY = os.urandom(300_000)


@pytest.fixture
def vsftpd(tmp_path):
    exe = shutil.which("vsftpd") or ("/usr/sbin/vsftpd" if os.path.exists("/usr/sbin/vsftpd") else None)
    if not exe:
        pytest.skip("vsftpd not installed")
    if os.geteuid() != 0:
        pytest.skip("vsftpd needs root to chroot")
    try:
        ftp_user = pwd.getpwnam("ftp")
    except KeyError:
        pytest.skip("no 'ftp' system user for vsftpd's anonymous login")
    anon = tmp_path / "anon"
    (anon / "upload").mkdir(parents=True)
    os.chmod(anon, 0o755)
    os.chown(anon / "upload", ftp_user.pw_uid, ftp_user.pw_gid)
    (anon / "hello.txt").write_text("hello from vsftpd\n")
    (anon / "big.bin").write_bytes(BINARY)
    empty = tmp_path / "empty"
    empty.mkdir()
    port, low = free_port(), free_port()
    conf = tmp_path / "vsftpd.conf"
    conf.write_text(f"""listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port={port}
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root={anon}
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_mkdir_write_enable=YES
anon_other_write_enable=YES
anon_world_readable_only=NO
secure_chroot_dir={empty}
pasv_enable=YES
pasv_min_port={low}
pasv_max_port={low + 10}
port_enable=YES
connect_from_port_20=NO
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
xferlog_enable=NO
vsftpd_log_file={tmp_path}/vsftpd.log
""")
    proc = subprocess.Popen([exe, str(conf)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_tcp("127.0.0.1", port)
    except TimeoutError:
        proc.kill()
        out = proc.communicate()[0].decode(errors="replace")
        pytest.skip(f"vsftpd did not start: {out}")
    yield port, anon
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def ftp(*args, timeout=60):
    return run_tool([layer7_bin(), "ftp", *args], timeout=timeout)


@pytest.mark.parametrize("active", [[], ["--active"]])
def test_our_client_against_vsftpd(vsftpd, tmp_path, active):
    port, anon = vsftpd
    base = f"ftp://127.0.0.1:{port}"
    r = ftp("ls", f"{base}/", *active)
    assert r.returncode == 0, r.stderr
    assert "hello.txt" in r.stdout and "upload" in r.stdout
    out = tmp_path / "hello.txt"
    r = ftp("get", f"{base}/hello.txt", str(out), *active)
    assert r.returncode == 0, r.stderr
    assert out.read_text() == "hello from vsftpd\n"
    src = tmp_path / "up.bin"
    src.write_bytes(BINARY)
    r = ftp("put", f"{base}/upload/", str(src), *active)
    assert r.returncode == 0, r.stderr
    assert (anon / "upload" / "up.bin").read_bytes() == BINARY
    r = ftp("rm", f"{base}/upload/up.bin", *active)
    assert r.returncode == 0, r.stderr
    assert not (anon / "upload" / "up.bin").exists()


def test_our_client_resumes_from_vsftpd(vsftpd, tmp_path):
    port, anon = vsftpd
    part = tmp_path / "big.bin"
    part.write_bytes(BINARY[:123_456])
    r = run_tool([layer7_bin(), "--trace", "ftp", "get", "-C", f"ftp://127.0.0.1:{port}/big.bin", str(part)],
                 timeout=60)
    assert r.returncode == 0, r.stderr
    assert "REST 123456" in r.stderr
    assert part.read_bytes() == BINARY


def test_our_client_reports_errors_in_one_line(vsftpd, tmp_path):
    port, _ = vsftpd
    r = ftp("get", f"ftp://127.0.0.1:{port}/missing.txt", str(tmp_path / "m"))
    assert r.returncode == 1
    assert r.stderr.count("\n") == 1 and "550" in r.stderr
    r = ftp("ls", f"ftp://127.0.0.1:{free_port()}/")
    assert r.returncode == 1 and r.stderr.count("\n") == 1
