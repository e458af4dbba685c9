"""Passive data listeners (issue 20): one per session, and one no transfer claims closes after
[ftp] pasv_timeout, so sessions that send PASV and then only NOOP cannot hold the passive port range."""
import ftplib
import time

import pytest

from conftest import free_port
from ftp_support import config_with_only_ftp


def login(port):
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", port, timeout=10)
    ftp.login()
    return ftp


@pytest.fixture
def two_port_server(layer7, tmp_path):
    port, low = free_port(), free_port()
    settings = f'pasv_ports = "{low}-{low + 1}"\npasv_timeout = 2'
    conf = tmp_path / "layer7.toml"
    conf.write_text(config_with_only_ftp(port, idle_timeout=60, settings=settings))
    p = layer7("--data", str(tmp_path / "data"), "up", "--config", str(conf))
    assert f"127.0.0.1:{port}" in p.wait_output("ftp ")
    return port


def test_unclaimed_passive_listeners_close_and_free_the_range(two_port_server):
    port = two_port_server
    hogs = [login(port), login(port)]
    hogs[0].sendcmd("PASV")
    try:  # the second port may be someone else's: then the range is already full
        hogs[1].sendcmd("PASV")
    except ftplib.error_temp:
        pass
    # A new session gets a passive port once the idle listeners close, though their sessions live on.
    newcomer = login(port)
    deadline = time.monotonic() + 10
    while True:
        try:
            newcomer.sendcmd("PASV")
            break
        except ftplib.error_temp as e:
            assert str(e).startswith("425")
            assert time.monotonic() < deadline, "the idle sessions' listeners never closed"
            for hog in hogs:
                hog.voidcmd("NOOP")
            time.sleep(0.1)  # polling interval, not synchronisation
    # The expired listener is gone for its session too: its transfer command finds no data connection.
    hogs[0].putcmd("RETR README.txt")
    assert hogs[0].getresp().startswith("150")
    assert hogs[0].getmultiline().startswith("425")
    # One listener per session: PASV after PASV frees the previous port, so a session never runs out.
    for _ in range(5):
        newcomer.sendcmd("EPSV")
    lines = []
    newcomer.retrlines("LIST", lines.append)
    assert any(l.endswith(" README.txt") for l in lines)
    for ftp in (*hogs, newcomer):
        ftp.close()
