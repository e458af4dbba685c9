"""N RTSP readers over UDP in one process, for bench/rtsp.sh: each DESCRIBEs, SETUPs the first
track with its own client port pair and PLAYs; then every RTP packet is counted and sequence gaps
are counted as loss. Prints "readers N packets P lost L mbit M" at the end.
Usage: rtsp_readers.py URL N SECONDS"""
import re
import select
import socket
import sys
import time


def request(conn, text):
    conn.sendall(text.encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    m = re.search(rb"Content-Length: *(\d+)", head, re.I)
    need = int(m.group(1)) if m else 0
    while len(body) < need:
        body += conn.recv(65536)
    return head.decode(), body.decode()


def udp_pair():
    while True:
        a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        a.bind(("127.0.0.1", 0))
        port = a.getsockname()[1]
        if port % 2:
            a.close()
            continue
        b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            b.bind(("127.0.0.1", port + 1))
        except OSError:
            a.close()
            b.close()
            continue
        a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
        a.setblocking(False)
        return a, b, port


def main():
    url, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    host, port = re.match(r"rtsp://([^:/]+):(\d+)", url).groups()
    readers = []
    for _ in range(n):
        conn = socket.create_connection((host, int(port)), timeout=10)
        head, body = request(conn, f"DESCRIBE {url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n")
        control = re.search(r"a=control:(\S+)", body.split("m=", 1)[1]).group(1)
        base = re.search(r"Content-Base: *(\S+)", head, re.I)
        base = base.group(1) if base else url + "/"
        track = control if control.startswith("rtsp://") else base.rstrip("/") + "/" + control
        rtp, rtcp, p = udp_pair()
        head, _ = request(conn, f"SETUP {track} RTSP/1.0\r\nCSeq: 2\r\n"
                                f"Transport: RTP/AVP;unicast;client_port={p}-{p + 1}\r\n\r\n")
        session = re.search(r"Session: *([^;\r\n]+)", head).group(1)
        request(conn, f"PLAY {url} RTSP/1.0\r\nCSeq: 3\r\nSession: {session}\r\nRange: npt=0.000-\r\n\r\n")
        readers.append({"conn": conn, "rtp": rtp, "rtcp": rtcp, "session": session, "last": None,
                        "packets": 0, "lost": 0, "bytes": 0})
    by_fd = {r["rtp"].fileno(): r for r in readers}
    poller = select.epoll()
    for fd in by_fd:
        poller.register(fd, select.EPOLLIN)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        for fd, _ in poller.poll(0.1):
            r = by_fd[fd]
            while True:
                try:
                    data = r["rtp"].recv(65536)
                except BlockingIOError:
                    break
                seq = int.from_bytes(data[2:4], "big")
                if r["last"] is not None:
                    gap = (seq - r["last"] - 1) & 0xffff
                    if gap < 0x8000:
                        r["lost"] += gap
                r["last"] = seq
                r["packets"] += 1
                r["bytes"] += len(data)
    for r in readers:
        try:
            r["conn"].sendall(f"TEARDOWN {url} RTSP/1.0\r\nCSeq: 4\r\nSession: {r['session']}\r\n\r\n".encode())
        except OSError:
            pass
    packets = sum(r["packets"] for r in readers)
    lost = sum(r["lost"] for r in readers)
    mbit = sum(r["bytes"] for r in readers) * 8 / 1e6
    print(f"readers {n} packets {packets} lost {lost} mbit {mbit:.1f}")


if __name__ == "__main__":
    main()
