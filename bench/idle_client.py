"""Holds N idle connections to a server for bench/idle.sh: opens them (at most 256 connecting at
once), optionally over TLS and after one request each, prints "ready" when all are open, then waits
for standard input to close.

    idle_client.py HOST PORT N MODE [TLS]
    MODE: get    one `GET /1k.bin` each, read to the end of its 1 KiB body, then idle (keep-alive)
          none   no request: connected (and TLS-handshaken) only
          banner read the server's first line (SMTP 220, POP3 +OK), then idle
          ws:PATH a WebSocket upgrade at PATH and one 1 KiB binary message echoed, then idle
          h2     HTTP/2 (TLS with ALPN h2 only): the preface, SETTINGS both ways, one GET /1k.bin
                 on stream 1 read to its END_STREAM, then idle
"""
import asyncio
import base64
import os
import resource
import ssl
import sys


async def one(host, port, mode, tls, gate, held):
    async with gate:
        reader, writer = await asyncio.open_connection(host, port, ssl=tls, server_hostname="localhost" if tls else None)
        if mode == "get":
            writer.write(b"GET /1k.bin HTTP/1.1\r\nHost: bench\r\n\r\n")
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
        elif mode == "banner":
            await reader.readline()
        elif mode.startswith("ws:"):
            await websocket_echo(reader, writer, mode[3:])
        elif mode == "h2":
            await h2_get(reader, writer)
        held.append(writer)


def h2_frame(kind, flags, stream, payload=b""):
    return len(payload).to_bytes(3, "big") + bytes([kind, flags]) + stream.to_bytes(4, "big") + payload


async def h2_get(reader, writer):
    # HPACK by hand (RFC 7541 appendix A): :method GET and :scheme https from the static table,
    # :path and :authority as literals without indexing on static names 4 and 1.
    fields = b"\x82\x87" + b"\x04\x07/1k.bin" + b"\x01\x05bench"
    writer.write(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + h2_frame(4, 0, 0) + h2_frame(1, 0x5, 1, fields))
    while True:  # until stream 1 ends; the server's SETTINGS is acknowledged on the way
        head = await reader.readexactly(9)
        length, kind, flags, stream = int.from_bytes(head[:3], "big"), head[3], head[4], int.from_bytes(head[5:], "big")
        await reader.readexactly(length)
        if kind == 4 and not flags & 0x1:
            writer.write(h2_frame(4, 0x1, 0))
        elif kind == 7:
            raise RuntimeError("h2: the server sent GOAWAY")
        elif stream == 1 and kind in (0, 1) and flags & 0x1:
            return


async def websocket_echo(reader, writer, path):
    key = base64.b64encode(os.urandom(16))
    writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\n"
                 b"Connection: Upgrade\r\nSec-WebSocket-Key: " + key + b"\r\nSec-WebSocket-Version: 13\r\n\r\n")
    head = await reader.readuntil(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(f"websocket upgrade refused: {head[:40]!r}")
    payload, mask = os.urandom(1024), os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    writer.write(bytes([0x82, 0x80 | 126]) + len(payload).to_bytes(2, "big") + mask + masked)
    echo_head = await reader.readexactly(4)  # 0x82, 126, the 16-bit length: unmasked from a server
    if echo_head != bytes([0x82, 126]) + len(payload).to_bytes(2, "big"):
        raise RuntimeError(f"unexpected echo frame head {echo_head!r}")
    if await reader.readexactly(len(payload)) != payload:
        raise RuntimeError("the echo differs from the message")


async def main(host, port, n, mode, use_tls):
    tls = None
    if use_tls:
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
        if mode == "h2":
            tls.set_alpn_protocols(["h2"])
    gate, held = asyncio.Semaphore(256), []
    await asyncio.gather(*(one(host, port, mode, tls, gate, held) for _ in range(n)))
    print("ready", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    for w in held:
        w.close()


if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    host, port, n, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    asyncio.run(main(host, port, n, mode, len(sys.argv) > 5 and sys.argv[5] == "tls"))
