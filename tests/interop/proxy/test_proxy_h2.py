"""Clients speaking HTTP/2 to the proxy (h2c): curl with prior knowledge and by Upgrade in reverse
(--origin) mode, cached like HTTP/1.1 requests; and a forward request by python3-h2, whose target
is :authority plus :path since HTTP/2 has no absolute-form."""
import socket

import h2.config
import h2.connection
import h2.events

from proxykit import HOST, DEADLINE, Origin, Proxy, curl, log_entries, wait_log


def test_reverse_proxy_over_h2c(tmp_path):
    origin = Origin(str(tmp_path))
    proxy = Proxy(str(tmp_path), "--origin", origin.url)
    try:
        for flag in ("--http2-prior-knowledge", "--http2"):
            r = curl("-s", flag, "-o", "-", "-w", "\n%{http_version}", proxy.url + "/old.txt")
            body, version = r.stdout.rsplit("\n", 1)
            assert version == "2"
            assert body.encode() == origin.files["old.txt"]
        wait_log(origin.log, "/old.txt", 1)
        assert len(log_entries(origin.log, "/old.txt")) == 1  # the second came from the cache
    finally:
        proxy.stop()
        origin.stop()


def h2_get(port, authority, path):
    """One GET over h2c with prior knowledge; returns (status, headers, body)."""
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8"))
    conn.initiate_connection()
    with socket.create_connection((HOST, port), timeout=DEADLINE) as s:
        s.sendall(conn.data_to_send())
        conn.send_headers(1, [(":method", "GET"), (":scheme", "http"), (":authority", authority), (":path", path)],
                          end_stream=True)
        s.sendall(conn.data_to_send())
        headers, body = {}, b""
        while True:
            data = s.recv(65536)
            assert data, "connection closed early"
            for event in conn.receive_data(data):
                if isinstance(event, h2.events.ResponseReceived):
                    headers = dict(event.headers)
                elif isinstance(event, h2.events.DataReceived):
                    body += event.data
                    conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                elif isinstance(event, h2.events.StreamEnded):
                    return headers[":status"], headers, body
            s.sendall(conn.data_to_send())


def test_forward_proxy_over_h2c(tmp_path):
    origin = Origin(str(tmp_path))
    proxy = Proxy(str(tmp_path))
    try:
        status, headers, body = h2_get(proxy.port, f"{HOST}:{origin.port}", "/old.txt")
        assert status == "200"
        assert body == origin.files["old.txt"]
        wait_log(origin.log, "/old.txt", 1)
    finally:
        proxy.stop()
        origin.stop()


def test_connect_tunnel_over_h2c(tmp_path):
    """CONNECT on an HTTP/2 stream (RFC 9113 §8.5): a 200, then the stream's DATA is the tunnel's bytes
    both ways, and the target's end of the connection comes back as END_STREAM."""
    origin = Origin(str(tmp_path))
    proxy = Proxy(str(tmp_path), "--allow-connect", str(origin.port))
    # python3-h2 4.1 wants a :path on every request, which a plain CONNECT must not carry.
    conn = h2.connection.H2Connection(h2.config.H2Configuration(client_side=True, header_encoding="utf-8",
                                                                validate_outbound_headers=False))
    conn.initiate_connection()
    try:
        with socket.create_connection((HOST, proxy.port), timeout=DEADLINE) as s:
            conn.send_headers(1, [(":method", "CONNECT"), (":authority", f"{HOST}:{origin.port}")])
            conn.send_data(1, b"GET /old.txt HTTP/1.1\r\nHost: origin\r\nConnection: close\r\n\r\n", end_stream=True)
            s.sendall(conn.data_to_send())
            status, tunnelled, ended = None, b"", False
            while not ended:
                data = s.recv(65536)
                assert data, "connection closed early"
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.ResponseReceived):
                        status = dict(event.headers)[":status"]
                    elif isinstance(event, h2.events.DataReceived):
                        tunnelled += event.data
                        conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                    elif isinstance(event, (h2.events.StreamEnded, h2.events.StreamReset)):
                        ended = isinstance(event, h2.events.StreamEnded)
                        assert ended, f"the tunnel was reset: {event}"
                s.sendall(conn.data_to_send())
        assert status == "200"
        head, body = tunnelled.split(b"\r\n\r\n", 1)
        assert head.startswith(b"HTTP/1.1 200 ")
        assert body == origin.files["old.txt"]
    finally:
        proxy.stop()
        origin.stop()
