"""A 1 GiB file down and up byte-exact (sha256), and a download resumed after an interrupted transfer."""
import ftplib
import hashlib
import os
import shutil

import pytest

from conftest import layer7_bin
from ftp_support import PASSWORD, ftp_server, run_tool  # noqa: F401

GIB = 1 << 30
MIB = 1 << 20


def make_big(path):
    """1 GiB fast: one random MiB repeated, each copy stamped with its index so misordering shows."""
    block = bytearray(os.urandom(MIB))
    h = hashlib.sha256()
    with open(path, "wb") as f:
        for i in range(GIB // MIB):
            block[:8] = i.to_bytes(8, "big")
            f.write(block)
            h.update(block)
    return h.hexdigest()


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(4 * MIB):
            h.update(chunk)
    return h.hexdigest()


@pytest.fixture(scope="module")
def big_source(tmp_path_factory):
    """Made once per module; each served tree gets a hard link (the server only reads it)."""
    path = tmp_path_factory.mktemp("big") / "big.bin"
    return path, make_big(path)


@pytest.fixture
def big(ftp_server, big_source):
    source, digest = big_source
    path = ftp_server.root / "pub" / "big.bin"
    os.link(source, path)
    return path, digest


def test_one_gib_down_and_up_byte_exact(ftp_server, big, tmp_path):
    if not shutil.which("curl"):
        pytest.skip("curl not installed")
    path, digest = big
    down = tmp_path / "down.bin"
    r = run_tool(["curl", "-sS", "--max-time", "120", "-o", str(down), ftp_server.url("pub/big.bin")], timeout=130)
    assert r.returncode == 0, r.stderr
    assert sha256(down) == digest
    r = run_tool(["curl", "-sS", "--max-time", "120", "-T", str(down), ftp_server.url("upload/big.bin", user="alice")],
                 timeout=130)
    assert r.returncode == 0, r.stderr
    assert sha256(ftp_server.root / "upload" / "big.bin") == digest
    os.unlink(down)
    os.unlink(ftp_server.root / "upload" / "big.bin")
    mine = tmp_path / "mine.bin"  # and our own client, down
    r = run_tool([layer7_bin(), "ftp", "get", ftp_server.url("pub/big.bin"), str(mine)], timeout=130)
    assert r.returncode == 0, r.stderr
    assert sha256(mine) == digest


def test_resume_after_an_interrupted_download(ftp_server, big, tmp_path):
    path, digest = big
    part = tmp_path / "part.bin"
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", ftp_server.port, timeout=30)
    ftp.login("alice", PASSWORD)
    ftp.voidcmd("TYPE I")
    conn = ftp.transfercmd("RETR pub/big.bin")
    got = 0
    with open(part, "wb") as f:
        while got < 300 * MIB:
            chunk = conn.recv(MIB)
            assert chunk
            f.write(chunk)
            got += len(chunk)
    conn.close()  # the transfer breaks off mid-way
    ftp.close()
    assert 0 < part.stat().st_size < GIB
    r = run_tool([layer7_bin(), "--trace", "ftp", "get", "-C", ftp_server.url("pub/big.bin", user="alice"), str(part)],
                 timeout=130)
    assert r.returncode == 0, r.stderr
    assert f"REST {got}" in r.stderr
    assert sha256(part) == digest
