"""python's ftplib against layer7: every command family, both data modes, FTPS, and bad input."""
import ftplib
import io
import socket
import ssl
import time

import pytest

from ftp_support import PASSWORD, ftp_server, run_tool  # noqa: F401


def connect(server, user="anonymous", password="guest@", cls=ftplib.FTP):
    ftp = cls()
    ftp.connect("127.0.0.1", server.port, timeout=10)
    ftp.login(user, password)
    return ftp


def retr(ftp, name, rest=None):
    buf = io.BytesIO()
    ftp.retrbinary("RETR " + name, buf.write, rest=rest)
    return buf.getvalue()


def test_anonymous_list_and_retrieve_passive_and_active(ftp_server):
    ftp = connect(ftp_server)
    assert "UNIX" in ftp.sendcmd("SYST")
    assert ftp.pwd() == "/"
    lines = []
    ftp.retrlines("LIST", lines.append)
    assert any(l.startswith("-rw") and l.endswith(" README.txt") for l in lines)
    assert any(l.startswith("d") and l.endswith(" pub") for l in lines)
    assert not any("escape" in l for l in lines)  # a symlink leading out is not listed
    assert any(l.endswith(" inside") for l in lines)
    assert sorted(ftp.nlst("pub")) == ["binary.bin", "hello.txt"]
    assert retr(ftp, "README.txt") == b"hello from layer7\n"
    ftp.set_pasv(False)  # PORT: the server connects back
    assert retr(ftp, "pub/binary.bin") == bytes(range(256)) * 64
    ftp.cwd("pub")
    assert ftp.pwd() == "/pub"
    assert retr(ftp, "hello.txt") == b"line one\nline two\n"
    ftp.quit()


def test_epsv_and_eprt(ftp_server):
    ftp = connect(ftp_server)
    ftp.af = socket.AF_INET6  # makes ftplib's passive mode use EPSV (which works over IPv4 too)
    assert retr(ftp, "README.txt") == b"hello from layer7\n"
    ftp.af = socket.AF_INET
    with socket.create_server(("127.0.0.1", 0)) as listener:
        ftp.voidcmd(f"EPRT |1|127.0.0.1|{listener.getsockname()[1]}|")
        ftp.putcmd("RETR README.txt")
        assert ftp.getresp().startswith("150")
        listener.settimeout(10)
        conn, _ = listener.accept()
        data = b""
        while chunk := conn.recv(4096):
            data += chunk
        conn.close()
    assert ftp.voidresp().startswith("226")
    assert data == b"hello from layer7\n"
    ftp.quit()


def test_pasv_reply_names_a_real_address_and_a_port_in_range(ftp_server):
    ftp = connect(ftp_server)
    reply = ftp.sendcmd("PASV")
    nums = [int(x) for x in reply[reply.index("(") + 1:reply.index(")")].split(",")]
    assert nums[:4] == [127, 0, 0, 1]
    assert ftp_server.pasv[0] <= nums[4] * 256 + nums[5] <= ftp_server.pasv[1]
    ftp.quit()


def test_type_a_converts_line_ends(ftp_server):
    ftp = connect(ftp_server)
    ftp.voidcmd("TYPE A")
    conn = ftp.transfercmd("RETR pub/hello.txt")
    data = b""
    while chunk := conn.recv(4096):
        data += chunk
    conn.close()
    ftp.voidresp()
    assert data == b"line one\r\nline two\r\n"
    ftp.quit()


def test_user_writes_everything(ftp_server):
    ftp = connect(ftp_server, "alice", PASSWORD)
    ftp.storbinary("STOR upload/new.bin", io.BytesIO(b"x" * 1000))
    assert (ftp_server.root / "upload" / "new.bin").read_bytes() == b"x" * 1000
    ftp.storbinary("APPE upload/new.bin", io.BytesIO(b"y" * 10))
    assert ftp.size("upload/new.bin") == 1010
    assert ftp.sendcmd("MDTM upload/new.bin").startswith("213 20")
    ftp.storbinary("STOR upload/new.bin", io.BytesIO(b"z" * 5), rest=1000)  # REST + STOR rewrites from the offset
    assert (ftp_server.root / "upload" / "new.bin").read_bytes() == b"x" * 1000 + b"z" * 5
    with pytest.raises(ftplib.error_temp, match="425"):
        ftp.sendcmd("STOU")  # no PASV/PORT yet; ftplib has no STOU helper, so drive it by hand
    conn, _ = ftp.ntransfercmd("STOU")
    conn.sendall(b"unique")
    conn.close()
    ftp.voidresp()
    assert (ftp_server.root / "file").read_bytes() == b"unique"
    ftp.mkd("upload/dir")
    ftp.rename("upload/new.bin", "upload/dir/moved.bin")
    facts = dict(ftp.mlsd("upload/dir"))
    assert facts["moved.bin"]["type"] == "file" and facts["moved.bin"]["size"] == "1005"
    assert "w" in facts["moved.bin"]["perm"]
    mlst = ftp.sendcmd("MLST upload/dir/moved.bin")
    assert "type=file;size=1005;" in mlst and "/upload/dir/moved.bin" in mlst
    with pytest.raises(ftplib.error_perm, match="550"):
        ftp.rmd("upload/dir")  # not empty
    ftp.delete("upload/dir/moved.bin")
    ftp.rmd("upload/dir")
    assert sorted(p.name for p in (ftp_server.root / "upload").iterdir()) == []
    ftp.quit()


def test_rest_resumes_a_download(ftp_server):
    ftp = connect(ftp_server)
    assert retr(ftp, "pub/binary.bin", rest=16000) == (bytes(range(256)) * 64)[16000:]
    ftp.quit()


def test_read_only_logins_cannot_write(ftp_server):
    for user, password in (("anonymous", "x@"), ("bob", PASSWORD)):
        ftp = connect(ftp_server, user, password)
        for cmd in ("DELE README.txt", "MKD x", "RMD pub", "RNFR README.txt"):
            with pytest.raises(ftplib.error_perm, match="550"):
                ftp.sendcmd(cmd)
        with pytest.raises(ftplib.error_perm, match="550"):
            ftp.storbinary("STOR x", io.BytesIO(b"x"))
        ftp.quit()


def test_a_user_root_confines(ftp_server):
    ftp = connect(ftp_server, "bob", PASSWORD)
    assert ftp.nlst() == ["bob.txt"]
    assert retr(ftp, "bob.txt") == b"bob's\n"
    with pytest.raises(ftplib.error_perm, match="550"):
        ftp.cwd("..")
    ftp.quit()


def test_path_escapes_are_550(ftp_server):
    ftp = connect(ftp_server)
    for cmd in ("CWD ..", "CWD ../..", "SIZE ../../etc/passwd", "CWD escape", "SIZE escape/passwd",
                "MDTM /../etc/passwd"):
        with pytest.raises(ftplib.error_perm, match="550"):
            ftp.sendcmd(cmd)
    with pytest.raises(ftplib.error_perm, match="550"):
        retr(ftp, "escape/passwd")
    assert retr(ftp, "inside") == b"line one\nline two\n"  # a symlink that stays inside works
    ftp.quit()


def test_wrong_password_and_commands_before_login(ftp_server):
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", ftp_server.port, timeout=10)
    for cmd in ("LIST", "RETR README.txt", "CWD pub", "PASV"):
        with pytest.raises(ftplib.error_perm, match="530"):
            ftp.sendcmd(cmd)
    with pytest.raises(ftplib.error_perm, match="530"):
        ftp.login("alice", "wrong")
    ftp.close()


def test_over_long_line_gets_500_and_the_session_goes_on(ftp_server):
    ftp = connect(ftp_server)
    with pytest.raises(ftplib.error_perm, match="500"):
        ftp.sendcmd("NOOP " + "x" * 10000)
    assert ftp.sendcmd("NOOP").startswith("200")
    ftp.quit()


def test_bounce_defence(ftp_server):
    ftp = connect(ftp_server)
    for cmd in ("PORT 127,0,0,2,31,144", "PORT 10,1,2,3,0,25", "EPRT |1|127.0.0.2|8080|", "PORT 127,0,0,1,0,22"):
        with pytest.raises(ftplib.error_perm, match="504"):
            ftp.sendcmd(cmd)
    ftp.quit()


def test_data_connection_from_a_foreign_address_is_refused(ftp_server):
    ftp = connect(ftp_server)
    reply = ftp.sendcmd("EPSV")
    port = int(reply.split("|||")[1].split("|")[0])
    thief = socket.socket()
    thief.bind(("127.0.0.2", 0))  # another host on loopback
    thief.connect(("127.0.0.1", port))
    ftp.putcmd("RETR README.txt")
    assert ftp.getresp().startswith("150")
    thief.settimeout(5)
    assert thief.recv(100) == b""  # closed without a byte
    thief.close()
    mine = socket.create_connection(("127.0.0.1", port), timeout=5)  # the real client still gets it
    data = b""
    while chunk := mine.recv(4096):
        data += chunk
    mine.close()
    assert data == b"hello from layer7\n"
    assert ftp.voidresp().startswith("226")
    ftp.quit()


def test_a_broken_upload_never_replaces_a_good_file(ftp_server):
    good = ftp_server.root / "upload" / "keep.bin"
    good.write_bytes(b"good" * 1000)
    ftp = connect(ftp_server, "alice", PASSWORD)
    conn = ftp.transfercmd("STOR upload/keep.bin")
    # More than the socket buffers hold, so the server has accepted and is reading when the RST comes
    # (a connection reset while still in the accept queue just never arrives: 425 after data_timeout).
    conn.sendall(b"partial" * (8 << 20))
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()  # RST: the upload breaks
    with pytest.raises(ftplib.error_temp, match="426"):
        ftp.voidresp()
    assert good.read_bytes() == b"good" * 1000
    assert [p.name for p in good.parent.iterdir()] == ["keep.bin"]  # no temp file left behind
    ftp.quit()


def test_ftps_with_protected_data(ftp_server):
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ftp = ftplib.FTP_TLS(context=ctx)
    ftp.connect("127.0.0.1", ftp_server.port, timeout=10)
    ftp.auth()
    ftp.login("alice", PASSWORD)
    ftp.prot_p()
    assert retr(ftp, "pub/binary.bin") == bytes(range(256)) * 64
    ftp.storbinary("STOR upload/tls.bin", io.BytesIO(b"secret" * 1000))
    assert (ftp_server.root / "upload" / "tls.bin").read_bytes() == b"secret" * 1000
    lines = []
    ftp.retrlines("LIST pub", lines.append)
    assert any(l.endswith(" hello.txt") for l in lines)
    # Active mode: we connect to the client and are still the TLS server (RFC 4217 §7).
    ftp.set_pasv(False)
    lines = []
    ftp.retrlines("LIST pub", lines.append)
    assert any(l.endswith(" hello.txt") for l in lines)
    assert retr(ftp, "pub/hello.txt") == b"line one\nline two\n"
    ftp.storbinary("STOR upload/tls-active.bin", io.BytesIO(b"active" * 1000))
    assert (ftp_server.root / "upload" / "tls-active.bin").read_bytes() == b"active" * 1000
    ftp.quit()


def test_feat_help_stat_abor(ftp_server):
    ftp = connect(ftp_server)
    feat = ftp.sendcmd("FEAT")
    for f in ("AUTH TLS", "EPSV", "MLST", "REST STREAM", "SIZE", "UTF8"):
        assert f in feat
    assert ftp.sendcmd("HELP").startswith("214")
    assert "Logged in as anonymous" in ftp.sendcmd("STAT")
    assert "README.txt" in ftp.sendcmd("STAT /")
    assert ftp.sendcmd("ABOR")[:3] in ("225", "226")
    assert ftp.sendcmd("OPTS UTF8 ON").startswith("200")
    ftp.quit()
