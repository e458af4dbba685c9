"""A python3-websockets echo server for our client to talk to: `py_echo_server.py PORT`.
Prints "listening" when ready; echoes every message; answers "close-me" by closing with 1000."""
import asyncio
import sys

import websockets


async def echo(ws, path=None):
    async for message in ws:
        if message == "close-me":
            await ws.close(1000, "asked to")
            return
        await ws.send(message)


async def main(port):
    async with websockets.serve(echo, "127.0.0.1", port):
        print("listening", flush=True)
        await asyncio.Future()


asyncio.run(main(int(sys.argv[1])))
