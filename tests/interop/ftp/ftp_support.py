"""FTP interop support: a served tree (with symlinks in and out), a users file, the `ftp_server` fixture
(test modules import it), and run_tool()."""
import functools
import os
import re
import subprocess

import pytest

from conftest import free_port, layer7_bin, run

PASSWORD = "s3cret pass"


class Server:
    def __init__(self, process, port, root, data, pasv):
        self.process, self.port, self.root, self.data, self.pasv = process, port, root, data, pasv

    def url(self, path="", user=None):
        auth = f"{user}:{PASSWORD.replace(' ', '%20')}@" if user else ""
        return f"ftp://{auth}127.0.0.1:{self.port}/{path}"


def make_tree(root):
    (root / "pub").mkdir(parents=True)
    (root / "README.txt").write_text("hello from layer7\n")
    (root / "pub" / "hello.txt").write_text("line one\nline two\n")
    (root / "pub" / "binary.bin").write_bytes(bytes(range(256)) * 64)
    (root / "upload").mkdir()
    os.symlink("/etc", root / "escape")           # leads out: must be refused
    os.symlink("pub/hello.txt", root / "inside")  # stays in: fine


@functools.lru_cache(maxsize=None)
def hashed_users(scratch):
    """alice's and bob's lines from `layer7 user add`, made once per run: each start of a sanitized
    layer7 costs about a second, and every test needs a users file."""
    path = os.path.join(scratch, "users")
    for name in ("alice", "bob"):
        r = subprocess.run([layer7_bin(), "user", "add", name, "--users", path], input=PASSWORD + "\n",
                           capture_output=True, text=True, timeout=30)
        assert r.returncode == 0, r.stderr
    with open(path) as f:
        return tuple(f.read().splitlines())


@functools.lru_cache(maxsize=None)
def certificate(scratch):
    """A self-signed certificate for AUTH TLS (offered only with a configured one), made once per run."""
    cert, key = os.path.join(scratch, "ftp-cert.pem"), os.path.join(scratch, "ftp-key.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                        "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                        "-keyout", key, "-out", cert], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return cert, key


def make_users(path, root, scratch):
    lines = hashed_users(str(scratch))
    # alice may write; bob reads only, in a root of his own
    bob_root = root.parent / "bob-root"
    bob_root.mkdir(exist_ok=True)
    (bob_root / "bob.txt").write_text("bob's\n")
    out = []
    for line in lines:
        if line.startswith("alice:"):
            line += ":write=yes"
        elif line.startswith("bob:"):
            line += f":root={bob_root}"
        out.append(line)
    path.write_text("\n".join(out) + "\n")


@pytest.fixture
def ftp_server(layer7, tmp_path, tmp_path_factory):
    """layer7 ftp serve on a fresh tree: anonymous read-only, alice writable, bob confined to his root,
    AUTH TLS with a self-signed certificate."""
    root = tmp_path / "root"
    make_tree(root)
    users = tmp_path / "users"
    make_users(users, root, tmp_path_factory.getbasetemp())
    port = free_port()
    low = free_port()
    pasv = (low, low + 20) if low + 20 < 65536 else (low - 20, low)
    data = tmp_path / "data"
    cert, key = certificate(str(tmp_path_factory.getbasetemp()))
    p = layer7("--data", str(data), "ftp", "serve", "--root", str(root), "--listen", f"127.0.0.1:{port}",
               "--anonymous", "--users", str(users), "--pasv-ports", f"{pasv[0]}-{pasv[1]}", "--threads", "2",
               "--tls-cert", cert, "--tls-key", key)
    return Server(p, port, root, data, pasv)


def run_tool(args, timeout=30, **kw):
    """Runs a client to completion (bounded), returning the CompletedProcess with text output."""
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kw)


def config_with_only_ftp(port, idle_timeout=2, data_timeout=2, settings=""):
    """The embedded default with every service off but [ftp], on `port`; each line of `settings`
    ("key = value") replaces the [ftp] line with the same key (TOML refuses a key twice) or is added."""
    text = run([layer7_bin(), "config", "default"]).stdout
    text = text.replace("enabled = true", "enabled = false")
    text = re.sub(r"(\[ftp\]\n)enabled = false", r"\1enabled = true", text)
    text = re.sub(r'(\[ftp\][^\[]*?)listen = "127.0.0.1:2121"', rf'\1listen = "127.0.0.1:{port}"', text)
    text = text.replace("idle_timeout = 300              # seconds between commands", f"idle_timeout = {idle_timeout}")
    text = text.replace("data_timeout = 60 ", f"data_timeout = {data_timeout} ")
    head, rest = text.split("[ftp]\n", 1)
    section, tail = rest.split("\n[", 1)
    for line in settings.splitlines():
        key = line.split("=")[0].strip()
        section, n = re.subn(rf"^{key} = .*$", line, section, flags=re.M)
        if n == 0:
            section = line + "\n" + section
    text = head + "[ftp]\n" + section + "\n[" + tail
    return text
