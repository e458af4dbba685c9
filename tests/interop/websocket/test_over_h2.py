"""WebSocket over HTTP/2 (RFC 8441), driven by python3-h2 on an h2c connection with prior knowledge:
the server announces SETTINGS_ENABLE_CONNECT_PROTOCOL, an extended CONNECT with :protocol websocket
opens one stream as a WebSocket (200, no key), frames travel in DATA frames, the close handshake
ends the stream with END_STREAM, and other streams of the connection carry on meanwhile."""
import socket
import struct
import zlib

import h2.config
import h2.connection
import h2.events
import h2.settings
import pytest

from wskit import DEADLINE, HOST, frame, serve


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = serve(tmp_path_factory.mktemp("wsh2"))
    yield s
    s.stop()


class Client:
    """One h2c connection; events are collected per stream."""

    def __init__(self, port):
        self.sock = socket.create_connection((HOST, port), timeout=DEADLINE)
        self.conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
        self.conn.initiate_connection()
        self.flush()
        self.remote_settings = {}
        self.headers, self.data, self.ended, self.reset = {}, {}, set(), {}

    def flush(self):
        self.sock.sendall(self.conn.data_to_send())

    def pump(self, until, what):
        while not until():
            chunk = self.sock.recv(65536)
            assert chunk, f"connection closed while waiting for {what}"
            for e in self.conn.receive_data(chunk):
                if isinstance(e, h2.events.RemoteSettingsChanged):
                    self.remote_settings.update({k: v.new_value for k, v in e.changed_settings.items()})
                elif isinstance(e, h2.events.ResponseReceived):
                    self.headers[e.stream_id] = dict(e.headers)
                elif isinstance(e, h2.events.DataReceived):
                    self.data[e.stream_id] = self.data.get(e.stream_id, b"") + e.data
                    self.conn.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
                elif isinstance(e, h2.events.StreamEnded):
                    self.ended.add(e.stream_id)
                elif isinstance(e, h2.events.StreamReset):
                    self.reset[e.stream_id] = e.error_code
                    self.ended.add(e.stream_id)
            self.flush()

    def open_websocket(self, path="/ws/echo", protocol="websocket", extra=()):
        self.pump(lambda: h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL in self.remote_settings, "SETTINGS")
        sid = self.conn.get_next_available_stream_id()
        self.conn.send_headers(sid, [(":method", "CONNECT"), (":protocol", protocol), (":scheme", "http"),
                                     (":path", path), (":authority", f"{HOST}"),
                                     ("sec-websocket-version", "13"), *extra])
        self.flush()
        self.pump(lambda: sid in self.headers or sid in self.ended, "the response")
        return sid

    def send(self, sid, data, end=False):
        for at in range(0, len(data), 16384):  # the peer's SETTINGS_MAX_FRAME_SIZE
            self.conn.send_data(sid, data[at:at + 16384], end_stream=end and at + 16384 >= len(data))
        self.flush()

    def frames(self, sid, count):
        """The first `count` frames of the stream as (first byte, payload)."""
        def parsed():
            out, data = [], self.data.get(sid, b"")
            while len(data) >= 2:
                b0, n, at = data[0], data[1] & 0x7F, 2
                assert not data[1] & 0x80, "a server frame was masked"
                if n == 126:
                    n, at = struct.unpack("!H", data[2:4])[0], 4
                elif n == 127:
                    n, at = struct.unpack("!Q", data[2:10])[0], 10
                if len(data) < at + n:
                    break
                out.append((b0, data[at:at + n]))
                data = data[at + n:]
            return out
        self.pump(lambda: len(parsed()) >= count or sid in self.ended, f"{count} frames")
        return parsed()[:count]

    def close(self):
        self.sock.close()


@pytest.fixture
def client(server):
    c = Client(server.port)
    yield c
    c.close()


def test_settings_announce_extended_connect(client):
    client.pump(lambda: h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL in client.remote_settings, "SETTINGS")
    assert client.remote_settings[h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL] == 1


def test_echo_and_close_handshake_on_one_stream(client):
    sid = client.open_websocket()
    head = client.headers[sid]
    assert head[":status"] == "200", head
    assert "sec-websocket-accept" not in head and "upgrade" not in head
    big = bytes(range(256)) * 400  # 100 KiB: more than one DATA frame each way
    client.send(sid, frame(0x1, b"hello over h2") + frame(0x2, big))
    assert client.frames(sid, 2) == [(0x81, b"hello over h2"), (0x82, big)]
    client.send(sid, frame(0x8, struct.pack("!H", 1000) + b"bye"))
    got = client.frames(sid, 3)
    assert got[2][0] == 0x88 and struct.unpack("!H", got[2][1][:2])[0] == 1000
    client.pump(lambda: sid in client.ended, "END_STREAM after the close handshake")
    assert sid not in client.reset


def test_other_streams_go_on_beside_a_websocket(client):
    sid = client.open_websocket()
    get = client.conn.get_next_available_stream_id()
    client.conn.send_headers(get, [(":method", "GET"), (":scheme", "http"), (":path", "/index.html"),
                                   (":authority", HOST)], end_stream=True)
    client.flush()
    client.pump(lambda: get in client.ended, "the GET beside the WebSocket")
    assert client.headers[get][":status"] == "200" and client.data[get] == b"<p>ws test</p>\n"
    client.send(sid, frame(0x1, b"still here"))
    assert client.frames(sid, 1) == [(0x81, b"still here")]


def test_permessage_deflate_over_h2(client):
    sid = client.open_websocket(extra=[("sec-websocket-extensions", "permessage-deflate")])
    assert "permessage-deflate" in client.headers[sid].get("sec-websocket-extensions", "")
    text = b"compressible " * 200
    c = zlib.compressobj(wbits=-15)
    body = c.compress(text) + c.flush(zlib.Z_SYNC_FLUSH)
    assert body.endswith(b"\x00\x00\xff\xff")
    client.send(sid, frame(0x1, body[:-4], rsv=0x40))
    [(b0, payload)] = client.frames(sid, 1)
    assert b0 == 0xC1, "the echo is compressed too (RSV1)"
    assert zlib.decompressobj(wbits=-15).decompress(payload + b"\x00\x00\xff\xff") == text


def test_an_unmasked_frame_fails_the_websocket_with_1002(client):
    sid = client.open_websocket()
    client.send(sid, frame(0x1, b"no mask", mask=False))
    [(b0, payload)] = client.frames(sid, 1)
    assert b0 == 0x88 and struct.unpack("!H", payload[:2])[0] == 1002


def test_another_protocol_is_refused(client):
    sid = client.open_websocket(protocol="chat-over-carrier-pigeon")
    assert client.headers[sid][":status"] == "400"


def test_a_plain_get_on_h2_gets_426(client):
    client.pump(lambda: h2.settings.SettingCodes.ENABLE_CONNECT_PROTOCOL in client.remote_settings, "SETTINGS")
    sid = client.conn.get_next_available_stream_id()
    client.conn.send_headers(sid, [(":method", "GET"), (":scheme", "http"), (":path", "/ws/echo"),
                                   (":authority", HOST), ("sec-websocket-version", "13")], end_stream=True)
    client.flush()
    client.pump(lambda: sid in client.ended, "the answer")
    assert client.headers[sid][":status"] == "426"
