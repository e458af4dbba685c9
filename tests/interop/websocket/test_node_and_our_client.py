"""npm `ws` as a second client of our server, and our `layer7 ws` client against a real server
(python3-websockets) and against our own /ws/chat."""
import os
import select
import shutil
import subprocess
import sys

import pytest

from conftest import Process, free_port, layer7_bin
from wskit import serve

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = serve(tmp_path_factory.mktemp("ws"))
    yield s
    s.stop()


@pytest.mark.skipif(not os.path.exists("/usr/share/nodejs/ws"), reason="node-ws is not installed")
@pytest.mark.parametrize("mode", ["plain", "deflate"])
def test_node_ws_client(server, mode):
    r = subprocess.run([shutil.which("node") or "node", os.path.join(HERE, "node_client.js"), server.url("/ws/echo"), mode],
                       capture_output=True, text=True, timeout=30, env={**os.environ, "NODE_PATH": "/usr/share/nodejs"})
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr


@pytest.fixture(scope="module")
def python_server():
    port = free_port()
    p = Process([sys.executable, os.path.join(HERE, "py_echo_server.py"), str(port)], ready="listening")
    yield port
    p.proc.terminate()
    p.proc.wait(timeout=10)


def ws(*args, input="", timeout=30):
    return subprocess.run([layer7_bin(), *args], input=input, capture_output=True, text=True, timeout=timeout)


def converse(args, lines):
    """Runs `layer7 ws` interactively: each line is sent only after the previous echo came back (a
    Close right after the last line could cross the echoes); then stdin ends. Returns (rc, echoes)."""
    p = subprocess.Popen([layer7_bin(), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    echoes = []
    try:
        for line in lines:
            p.stdin.write(line.encode() + b"\n")
            p.stdin.flush()
            ready, _, _ = select.select([p.stdout], [], [], 10)
            assert ready, "no echo within 10 s"
            echoes.append(p.stdout.readline().decode().rstrip("\n"))
        p.stdin.close()
        rc = p.wait(timeout=10)
    finally:
        if p.poll() is None:
            p.kill()
    return rc, echoes, p.stderr.read().decode()


@pytest.mark.parametrize("flags", [[], ["--no-deflate"]])
def test_our_client_against_python_websockets(python_server, flags):
    lines = ["hello", "w\u00f6rld", "", "y" * 5000]
    rc, echoes, err = converse(["ws", f"ws://127.0.0.1:{python_server}/", *flags], lines)
    assert rc == 0, err
    assert echoes == lines


def test_our_client_binary_and_trace(python_server):
    rc, echoes, err = converse(["--trace", "ws", f"ws://127.0.0.1:{python_server}/", "--binary"], ["bin"])
    assert rc == 0, err
    assert echoes == ["bin"]
    r = subprocess.CompletedProcess([], rc, "", err)
    assert "C: GET / HTTP/1.1" in r.stderr and "S: HTTP/1.1 101" in r.stderr
    assert "C: BINARY fin deflate 3: 62 69 6e" in r.stderr      # our masked frame, as sent
    assert "S: BINARY fin deflate 3: 62 69 6e" in r.stderr      # the echo
    assert "C: CLOSE fin 2: 1000" in r.stderr and "S: CLOSE fin 2: 1000" in r.stderr


def test_our_client_when_the_server_closes(python_server):
    p = subprocess.Popen([layer7_bin(), "ws", f"ws://127.0.0.1:{python_server}/"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = p.communicate(b"close-me\n", timeout=20)  # stdin stays readable; the server ends it
    assert p.returncode == 0, err


def test_our_client_refuses_a_non_websocket_server(server):
    r = ws("ws", f"ws://127.0.0.1:{server.port}/index.html", input="x\n")
    assert r.returncode == 1 and "not 101" in r.stderr


def test_our_client_in_our_chat(server):
    p = subprocess.Popen([layer7_bin(), "ws", server.url("/ws/chat?name=cli")], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = p.stdout.readline().decode()
    assert first.startswith('{"type":"presence","you":"cli"'), first
    p.stdin.write(b"hello room\n")
    p.stdin.flush()
    assert p.stdout.readline().decode() == '{"type":"message","from":"cli","text":"hello room"}\n'
    p.stdin.close()
    assert p.wait(timeout=10) == 0, p.stderr.read()


def test_our_client_over_wss(tmp_path):
    """wss://: our client against our server's TLS listener (its generated dev certificate, hence -k)."""
    port, tls_port = free_port(), free_port()
    config = tmp_path / "layer7.toml"
    config.write_text(f'[runtime]\nthreads = 2\ndata = "{tmp_path}/data"\n\n[echo]\nenabled = false\n\n'
                      f'[http]\nlisten = "127.0.0.1:{port}"\ntls_listen = "127.0.0.1:{tls_port}"\n')
    p = Process([layer7_bin(), "up", "--config", str(config)], deadline=60)
    try:
        rc, echoes, err = converse(["ws", "-k", f"wss://127.0.0.1:{tls_port}/ws/echo"], ["over TLS", "again"])
        assert rc == 0, err
        assert echoes == ["over TLS", "again"]
        r = ws("ws", f"wss://127.0.0.1:{tls_port}/ws/echo", input="x\n")  # unverified: refused
        assert r.returncode == 1 and "TLS" in r.stderr, r.stderr
    finally:
        rc, _ = p.stop()
    assert rc == 0, p.output()[-3000:]
