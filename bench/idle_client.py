"""Holds N idle connections to a server for bench/idle.sh: opens them (at most 256 connecting at
once), optionally over TLS and after one request each, prints "ready" when all are open, then waits
for standard input to close.

    idle_client.py HOST PORT N MODE [TLS]
    MODE: get    one `GET /1k.bin` each, read to the end of its 1 KiB body, then idle (keep-alive)
          none   no request: connected (and TLS-handshaken) only
          banner read the server's first line (SMTP 220, POP3 +OK), then idle
"""
import asyncio
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
        held.append(writer)


async def main(host, port, n, mode, use_tls):
    tls = None
    if use_tls:
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
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
