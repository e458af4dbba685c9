"""`layer7 ftp get` and the local file (issue 20): no silent "resume" into an unrelated file, -C resumes
only a part of the same remote file, a failed get leaves nothing behind."""
import os

import pytest

from conftest import layer7_bin
from ftp_support import ftp_server, run_tool  # noqa: F401

BINARY = bytes(range(256)) * 64


def get(*args):
    return run_tool([layer7_bin(), "--trace", "ftp", "get", *args], timeout=60)


def leftovers(directory, keep):
    return sorted(p.name for p in directory.iterdir() if p.name not in keep)


@pytest.fixture
def here(tmp_path):
    """The client's directory (the server's tree and users file are in tmp_path too)."""
    path = tmp_path / "local"
    path.mkdir()
    return path


def test_an_existing_unrelated_file_is_replaced_whole(ftp_server, here):
    out = here / "binary.bin"
    for unrelated in (b"x" * len(BINARY), b"shorter unrelated text"):  # same size; a "prefix"
        out.write_bytes(unrelated)
        r = get(ftp_server.url("pub/binary.bin"), str(out))
        assert r.returncode == 0, r.stderr
        assert "REST" not in r.stderr
        assert out.read_bytes() == BINARY
    assert leftovers(here, {"binary.bin"}) == []
    # the remote time is kept, as wget and lftp do, so that a later -C can tell the file is this one
    assert int(out.stat().st_mtime) == int((ftp_server.root / "pub" / "binary.bin").stat().st_mtime)


def test_continue_resumes_only_a_part_of_the_same_file(ftp_server, here):
    remote = ftp_server.root / "pub" / "binary.bin"
    part = here / "part.bin"
    part.write_bytes(BINARY[:1000])  # written now, after the remote file: a part of it
    r = get("-C", ftp_server.url("pub/binary.bin"), str(part))
    assert r.returncode == 0, r.stderr
    assert "REST 1000" in r.stderr
    assert part.read_bytes() == BINARY
    # a "part" older than the remote file is of another version: downloaded whole
    part.write_bytes(b"y" * 1000)
    old = remote.stat().st_mtime - 3600
    os.utime(part, (old, old))
    r = get("-C", ftp_server.url("pub/binary.bin"), str(part))
    assert r.returncode == 0, r.stderr
    assert "REST" not in r.stderr and "downloading it whole" in r.stderr
    assert part.read_bytes() == BINARY
    # a longer local file is not a part either
    part.write_bytes(BINARY + b"tail")
    r = get("-C", ftp_server.url("pub/binary.bin"), str(part))
    assert r.returncode == 0, r.stderr
    assert part.read_bytes() == BINARY
    assert leftovers(here, {"part.bin"}) == []


def test_a_failed_get_leaves_no_file(ftp_server, here):
    for flags in ([], ["-C"]):
        out = here / "missing.txt"
        r = get(*flags, ftp_server.url("pub/missing.txt"), str(out))
        assert r.returncode == 1
        assert "550" in r.stderr
        assert list(here.iterdir()) == []
    keep = here / "keep.txt"
    keep.write_text("mine\n")
    r = get(ftp_server.url("pub/missing.txt"), str(keep))
    assert r.returncode == 1
    assert keep.read_text() == "mine\n" and leftovers(here, {"keep.txt"}) == []
