"""python3-websockets (Debian) as the client of /ws/echo and /ws/chat: text and binary, fragmented
messages, ping/pong, permessage-deflate on and off, the size limit, and the chat room's presence."""
import asyncio
import json

import pytest
import websockets
from websockets.exceptions import ConnectionClosedError

from wskit import serve

TIMEOUT = 10


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = serve(tmp_path_factory.mktemp("ws"))
    yield s
    s.stop()


def run(coro):
    return asyncio.run(asyncio.wait_for(coro, TIMEOUT))


@pytest.mark.parametrize("compression", [None, "deflate"])
def test_echo_text_and_binary(server, compression):
    async def go():
        async with websockets.connect(server.url("/ws/echo"), compression=compression) as ws:
            names = [e.name for e in ws.extensions]
            assert names == (["permessage-deflate"] if compression else [])
            for text in ["hello", "", "h\u00e9llo w\u00f6rld \U0001F600", "x" * 70000]:
                await ws.send(text)
                assert await ws.recv() == text
            blob = bytes(range(256)) * 300
            await ws.send(blob)
            assert await ws.recv() == blob
    run(go())


@pytest.mark.parametrize("compression", [None, "deflate"])
def test_fragmented_messages_come_back_whole(server, compression):
    async def go():
        async with websockets.connect(server.url("/ws/echo"), compression=compression) as ws:
            await ws.send(iter(["frag", "men", "ted \u00e9"]))  # three frames, one message
            assert await ws.recv() == "fragmented \u00e9"
            await ws.send(iter([b"\x00\x01", b"\x02"]))
            assert await ws.recv() == b"\x00\x01\x02"
    run(go())


def test_ping_pong(server):
    async def go():
        async with websockets.connect(server.url("/ws/echo")) as ws:
            for payload in [b"", b"abc", b"p" * 125]:
                waiter = await ws.ping(payload)
                await asyncio.wait_for(waiter, TIMEOUT)
    run(go())


def test_close_handshake_is_clean(server):
    async def go():
        ws = await websockets.connect(server.url("/ws/echo"))
        await ws.close(code=1000, reason="done")
        assert ws.close_code == 1000  # the server echoed our code
    run(go())


@pytest.mark.parametrize("compression", [None, "deflate"])
def test_a_message_over_the_limit_gets_1009(server, compression):
    async def go():
        async with websockets.connect(server.url("/ws/echo"), compression=compression, max_size=None) as ws:
            # Over the 1 MiB default (and a bomb when deflated). The server may close with 1009 while
            # the client is still sending (then its send fails) or after (then its recv does).
            with pytest.raises(ConnectionClosedError) as e:
                await ws.send(b"\x00" * (2 << 20))
                await ws.recv()
            assert e.value.rcvd.code == 1009
    run(go())


def test_chat_presence_join_message_leave(server):
    async def go():
        alice = await websockets.connect(server.url("/ws/chat?name=alice"))
        hello = json.loads(await alice.recv())
        assert hello["type"] == "presence" and hello["you"] == "alice" and "alice" in hello["online"]
        bob = await websockets.connect(server.url("/ws/chat?name=bob"))
        presence = json.loads(await bob.recv())
        assert set(presence["online"]) >= {"alice", "bob"}
        assert json.loads(await alice.recv()) == {"type": "join", "name": "bob"}
        await bob.send("hi alice \u00e9")
        for ws in (alice, bob):  # fanned out to everyone, the sender too
            assert json.loads(await ws.recv()) == {"type": "message", "from": "bob", "text": "hi alice \u00e9"}
        await alice.send("/who")
        who = json.loads(await alice.recv())
        assert who["type"] == "presence" and set(who["online"]) >= {"alice", "bob"}
        await bob.close()
        assert json.loads(await alice.recv()) == {"type": "leave", "name": "bob"}
        # A second "alice" gets a name of her own.
        alice2 = await websockets.connect(server.url("/ws/chat?name=alice"))
        assert json.loads(await alice2.recv())["you"] == "alice-2"
        await alice2.close()
        await alice.close()
    run(go())


def test_chat_fans_out_to_many(server):
    async def go():
        members = []
        for i in range(20):
            ws = await websockets.connect(server.url(f"/ws/chat?name=m{i}"))
            await ws.recv()  # presence
            members.append(ws)
        await members[0].send("to everyone")
        for ws in members:
            while True:
                m = json.loads(await ws.recv())
                if m["type"] == "message":
                    assert m == {"type": "message", "from": "m0", "text": "to everyone"}
                    break
        for ws in members:
            await ws.close()
    run(go())


def test_a_chat_member_that_stops_reading_is_dropped(server):
    """Backpressure: a member that never reads is dropped (Close 1008, or the connection cut when
    its socket is full) once its send queue passes the bound; the others hear it left."""
    import socket
    from wskit import HOST, handshake

    slow, head, _ = handshake(server.port, "/ws/chat?name=slow")
    assert head.startswith("HTTP/1.1 101")
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # and never read

    async def go():
        async with websockets.connect(server.url("/ws/chat?name=loud"), max_size=None) as loud:
            await loud.recv()  # presence
            line = "z" * 60000
            for _ in range(200):  # 12 MB through the room: past the slow one's 4 MiB queue
                await loud.send(line)
                while True:
                    m = json.loads(await loud.recv())
                    if m["type"] == "leave":
                        assert m["name"] == "slow"
                        return True
                    if m["type"] == "message":
                        break
            return False
    assert run(go()), "the slow member was never dropped"
    slow.close()


def test_layer7_up_mounts_the_endpoints_and_a_config_mount(tmp_path):
    """`layer7 up` serves /ws/echo and /ws/chat with the built-ins, and [[http.mount]] takes the
    handler names ws-echo / ws-chat at a prefix of one's own."""
    from conftest import Process, free_port, layer7_bin

    port = free_port()
    config = tmp_path / "layer7.toml"
    config.write_text(f'[runtime]\nthreads = 2\ndata = "{tmp_path}/data"\n\n[echo]\nenabled = false\n\n'
                      f'[http]\nlisten = "127.0.0.1:{port}"\n\n[[http.mount]]\nprefix = "/mine/echo"\n'
                      f'handler = "ws-echo"\n')
    p = Process([layer7_bin(), "up", "--config", str(config)], deadline=30)
    try:
        async def go():
            for path in ["/ws/echo", "/mine/echo"]:
                async with websockets.connect(f"ws://127.0.0.1:{port}{path}") as ws:
                    await ws.send(path)
                    assert await ws.recv() == path
            async with websockets.connect(f"ws://127.0.0.1:{port}/ws/chat") as ws:
                assert json.loads(await ws.recv())["you"].startswith("guest-")
        run(go())
    finally:
        rc, _ = p.stop()
    assert rc == 0, p.output()[-3000:]
