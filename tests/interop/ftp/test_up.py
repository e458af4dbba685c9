"""[ftp] in `layer7 up`: the embedded default's anonymous area (DATA/ftp with a README.txt) and the
idle timeouts of control and data connections, set from the config file."""
import ftplib
import re
import socket
import time

from conftest import free_port
from ftp_support import config_with_only_ftp


def test_up_serves_the_anonymous_area_and_times_out_idle_connections(layer7, tmp_path):
    port = free_port()
    conf = tmp_path / "layer7.toml"
    conf.write_text(config_with_only_ftp(port))
    p = layer7("--data", str(tmp_path / "data"), "up", "--config", str(conf))
    assert f"127.0.0.1:{port}" in p.wait_output("ftp ")
    assert (tmp_path / "data" / "ftp" / "README.txt").exists()
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", port, timeout=10)
    ftp.login()
    lines = []
    ftp.retrlines("LIST", lines.append)
    assert any(l.endswith(" README.txt") for l in lines)
    with __import__("pytest").raises(ftplib.error_perm, match="550"):
        ftp.storbinary("STOR x", __import__("io").BytesIO(b"x"))
    # data connection: open it, then send nothing — the server gives up with 425/426
    reply = ftp.sendcmd("EPSV")
    data_port = int(reply.split("|||")[1].split("|")[0])
    ftp.putcmd("RETR README.txt")  # no data connection ever comes
    start = time.monotonic()
    assert ftp.getresp().startswith("150")
    final = ftp.getmultiline()
    assert final[:3] == "425", final
    assert time.monotonic() - start < 8
    # control connection: idle past 2 s → 421 and closed
    start = time.monotonic()
    resp = ftp.getmultiline()
    assert resp.startswith("421"), resp
    assert time.monotonic() - start < 8
    ftp.close()
