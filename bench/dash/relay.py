#!/usr/bin/env python3
"""A TCP relay with a bottleneck that follows a rate trace: bytes from the server to the client go
through one shared link whose rate (kbit/s) steps as the trace says ("SECONDS KBIT/S" lines, time
from the relay's start). The same trace thus caps any player, ours or a browser's.

usage: relay.py LISTEN_PORT TARGET_PORT TRACE_FILE   (loopback only; prints "relay ready" when up)
"""
import asyncio
import sys
import time


def load_trace(path):
    steps = []
    for line in open(path):
        line = line.split("#")[0].strip()
        if line:
            t, kbps = line.split()
            steps.append((float(t), float(kbps)))
    return steps


class Link:
    def __init__(self, steps):
        self.steps, self.start, self.free_at = steps, time.monotonic(), 0.0

    def rate(self):  # bytes per second now
        now = time.monotonic() - self.start
        kbps = self.steps[0][1]
        for t, k in self.steps:
            if t <= now:
                kbps = k
        return kbps * 1000 / 8

    async def pass_through(self, size):
        now = time.monotonic()
        self.free_at = max(self.free_at, now) + size / self.rate()
        if self.free_at > now:
            await asyncio.sleep(self.free_at - now)


async def pipe(reader, writer, link=None):
    try:
        while True:
            data = await reader.read(16384)
            if not data:
                break
            if link:
                await link.pass_through(len(data))
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        writer.close()


async def main():
    listen, target, trace = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    link = Link(load_trace(trace))

    async def client(reader, writer):
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer, link))

    server = await asyncio.start_server(client, "127.0.0.1", listen)
    print("relay ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
