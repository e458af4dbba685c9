"""Issue 20: an upload interrupted by the server's death (kill -9) leaves its hidden temporary; the
next start removes it, and leaves everything else alone."""
import ftplib
import io
import signal

from conftest import free_port
from ftp_support import PASSWORD, make_tree, make_users

# Root::create_temp's name for a writer whose pid is above any pid_max: a process that is gone.
LEFT = ".layer7-tmp.4194305.0.big.bin"


def test_start_removes_temporaries_left_by_a_dead_run(layer7, tmp_path, tmp_path_factory):
    root = tmp_path / "root"
    make_tree(root)
    users = tmp_path / "users"
    make_users(users, root, tmp_path_factory.getbasetemp())
    for where in (root / "upload", root / "pub", tmp_path / "bob-root"):
        (where / LEFT).write_bytes(b"half an upload")
    (root / "upload" / ".hidden-but-mine").write_text("keep me\n")
    port = free_port()
    p = layer7("ftp", "serve", "--root", str(root), "--listen", f"127.0.0.1:{port}", "--users", str(users))
    for where in (root / "upload", root / "pub", tmp_path / "bob-root"):
        assert not (where / LEFT).exists(), where
    assert (root / "upload" / ".hidden-but-mine").read_text() == "keep me\n"
    assert (root / "pub" / "hello.txt").exists()
    # an upload cut off by kill -9 leaves its temporary, which the next start removes
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", port, timeout=10)
    ftp.login("alice", PASSWORD)
    ftp.voidcmd("TYPE I")
    conn = ftp.transfercmd("STOR upload/cut.bin")
    conn.sendall(b"x" * 100_000)
    p.proc.send_signal(signal.SIGKILL)
    p.proc.wait(timeout=10)
    conn.close()
    ftp.close()
    left = [f.name for f in (root / "upload").iterdir() if f.name.startswith(".layer7-tmp.")]
    assert left, "the killed upload left no temporary: nothing to test"
    layer7("ftp", "serve", "--root", str(root), "--listen", f"127.0.0.1:{port}", "--users", str(users))
    assert sorted(f.name for f in (root / "upload").iterdir()) == [".hidden-but-mine"]
    ftp = ftplib.FTP()
    ftp.connect("127.0.0.1", port, timeout=10)
    ftp.login("alice", PASSWORD)
    ftp.storbinary("STOR upload/ok.bin", io.BytesIO(b"fine"))
    ftp.quit()
    assert (root / "upload" / "ok.bin").read_bytes() == b"fine"
