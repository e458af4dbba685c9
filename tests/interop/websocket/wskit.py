"""Shared pieces of the WebSocket interop tests: starting `layer7 http serve` (which mounts /ws/echo
and /ws/chat), a raw-socket handshake for sending bad frames byte for byte, and reading a Close.

Every wait has a deadline; nothing sleeps to synchronise. Loopback only.
"""
import base64
import os
import socket
import struct

from conftest import Process, free_port, layer7_bin

HOST = "127.0.0.1"
DEADLINE = 10.0


class Server:
    def __init__(self, proc, port):
        self.proc, self.port = proc, port

    def url(self, path):
        return f"ws://{HOST}:{self.port}{path}"

    def stop(self):
        rc, _ = self.proc.stop()
        assert rc == 0, f"layer7 exited {rc}:\n{self.proc.output()[-6000:]}"


def serve(tmp_path, *global_flags):
    root = tmp_path / "root"
    root.mkdir(exist_ok=True)
    (root / "index.html").write_text("<p>ws test</p>\n")
    port = free_port()
    # its own data directory: without one, `http serve` writes ./layer7-data into the tests' tree
    p = Process([layer7_bin(), "--threads", "2", "--data", str(tmp_path / "data"), *global_flags,
                 "http", "serve", "--root", str(root), "--listen", f"{HOST}:{port}"], deadline=30)
    return Server(p, port)


def handshake(port, path="/ws/echo", extra=b""):
    """Opens a raw connection and upgrades it; returns (socket, response head, bytes after it)."""
    s = socket.create_connection((HOST, port), timeout=DEADLINE)
    key = base64.b64encode(os.urandom(16))
    s.sendall(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
              b"Sec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n" + extra + b"\r\n")
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(4096)
        assert chunk, f"closed during the handshake: {data!r}"
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    return s, head.decode(), rest


def frame(opcode, payload=b"", fin=True, mask=True, rsv=0, length=None):
    """One frame, masked with a fixed key unless mask=False; `length` overrides the length field."""
    n = len(payload) if length is None else length
    b0 = (0x80 if fin else 0) | rsv | opcode
    mbit = 0x80 if mask else 0
    if n < 126:
        head = struct.pack("!BB", b0, mbit | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, mbit | 126, n)
    else:
        head = struct.pack("!BBQ", b0, mbit | 127, n)
    if not mask:
        return head + payload
    key = b"\x01\x02\x03\x04"
    return head + key + bytes(c ^ key[i % 4] for i, c in enumerate(payload))


def read_frames(s, rest=b"", until_close=True):
    """Reads server frames until a Close (or EOF); returns [(opcode, payload)]. Server frames are never
    masked: a mask bit fails the test."""
    frames, data = [], rest
    while True:
        while len(data) >= 2:
            b0, b1 = data[0], data[1]
            assert not b1 & 0x80, "a server frame was masked"
            n, at = b1 & 0x7F, 2
            if n == 126:
                if len(data) < 4:
                    break
                n, at = struct.unpack("!H", data[2:4])[0], 4
            elif n == 127:
                if len(data) < 10:
                    break
                n, at = struct.unpack("!Q", data[2:10])[0], 10
            if len(data) < at + n:
                break
            frames.append((b0 & 0x0F, data[at:at + n]))
            data = data[at + n:]
            if until_close and b0 & 0x0F == 8:
                return frames
        chunk = s.recv(65536)
        if not chunk:
            return frames
        data += chunk


def close_code(frames):
    """The status code of the Close among `frames` (None if there is none or it has no code)."""
    for op, payload in frames:
        if op == 8:
            return struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
    return None
