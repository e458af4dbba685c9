"""N RTSP readers over UDP in one process, for bench/rtsp.sh: each DESCRIBEs, SETUPs the first
track with its own client port pair and PLAYs. Once all play, what arrived during set-up is
dropped and a window of SECONDS starts: every RTP packet is counted per reader, and a sequence gap
counts as that many packets lost. With --server-pid, the server's CPU time over the same window.
Prints one line of key=value: readers, seconds, packets, lost, mbit (RTP packets, header included,
summed over the readers), min_packets and max_packets (the least and most any reader got),
worst_loss_pct (the worst reader's), server_cpu_s.
Usage: rtsp_readers.py URL N SECONDS [--server-pid PID]"""
import glob
import os
import re
import select
import socket
import sys
import time

KEEPALIVE_S = 15  # a GET_PARAMETER this often keeps long runs inside both servers' 60 s session timeout


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
        chunk = conn.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed")
        body += chunk
    head = head.decode()
    if not head.startswith("RTSP/1.0 200"):
        sys.exit(f"rtsp_readers: {' '.join(text.split(' ', 2)[:2])} answered {head.splitlines()[0]}")
    return head, body.decode()


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
        a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)  # a slow reader must not be the loss
        a.setblocking(False)
        b.setblocking(False)
        return a, b, port


def cpu_sample(pid):
    """({thread id: ns on CPU} from schedstat, exact; utime + stime of the whole process in seconds
    from stat, which keeps the time of threads that have exited but counts in 10 ms ticks)."""
    threads = {}
    for path in glob.glob(f"/proc/{pid}/task/*/schedstat"):
        try:
            with open(path) as f:
                threads[path.split("/")[4]] = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # the thread ended meanwhile
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return threads, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_between(before, after):
    """Server CPU seconds between two samples: the threads alive at the end, exactly (a thread born
    in between counts whole); if a thread that ended meanwhile did real work, stat's coarser total."""
    exact = sum(ns - before[0].get(tid, 0) for tid, ns in after[0].items()) / 1e9
    ticks = after[1] - before[1]
    return ticks if ticks - exact > 0.02 else exact


def setup(url, host, port):
    conn = socket.create_connection((host, int(port)), timeout=10)
    head, body = request(conn, f"DESCRIBE {url} RTSP/1.0\r\nCSeq: 1\r\nAccept: application/sdp\r\n\r\n")
    if "m=" not in body:
        sys.exit(f"rtsp_readers: DESCRIBE {url} gave an SDP without a media line:\n{body}")
    control = re.search(r"a=control:(\S+)", body.split("m=", 1)[1]).group(1)
    base = re.search(r"Content-Base: *(\S+)", head, re.I)
    base = base.group(1) if base else url + "/"
    track = control if control.startswith("rtsp://") else base.rstrip("/") + "/" + control
    rtp, rtcp, p = udp_pair()
    head, _ = request(conn, f"SETUP {track} RTSP/1.0\r\nCSeq: 2\r\n"
                            f"Transport: RTP/AVP;unicast;client_port={p}-{p + 1}\r\n\r\n")
    session = re.search(r"Session: *([^;\r\n]+)", head).group(1)
    request(conn, f"PLAY {url} RTSP/1.0\r\nCSeq: 3\r\nSession: {session}\r\nRange: npt=0.000-\r\n\r\n")
    conn.setblocking(False)  # replies to keep-alives are not read
    return {"conn": conn, "rtp": rtp, "rtcp": rtcp, "session": session, "cseq": 4,
            "last": None, "packets": 0, "lost": 0, "bytes": 0}


def drain(sock):
    while True:
        try:
            sock.recv(65536)
        except BlockingIOError:
            return


def main():
    url, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    pid = int(sys.argv[sys.argv.index("--server-pid") + 1]) if "--server-pid" in sys.argv else None
    host, port = re.match(r"rtsp://([^:/]+):(\d+)", url).groups()
    readers = [setup(url, host, port) for _ in range(n)]
    by_fd = {r["rtp"].fileno(): r for r in readers}
    poller = select.epoll()
    for fd in by_fd:
        poller.register(fd, select.EPOLLIN)
    for r in readers:  # the window starts now: what came during set-up does not count
        drain(r["rtp"])
        drain(r["rtcp"])
    cpu0 = cpu_sample(pid) if pid else None
    start = time.monotonic()
    end = start + seconds
    keepalive = start + KEEPALIVE_S
    while (now := time.monotonic()) < end:
        if now >= keepalive:
            keepalive = now + KEEPALIVE_S
            for r in readers:
                drain(r["rtcp"])
                try:
                    r["conn"].sendall(f"GET_PARAMETER {url} RTSP/1.0\r\nCSeq: {r['cseq']}\r\n"
                                      f"Session: {r['session']}\r\n\r\n".encode())
                    r["cseq"] += 1
                    r["conn"].recv(65536)
                except (BlockingIOError, OSError):
                    pass
        for fd, _ in poller.poll(min(0.1, end - now)):
            r = by_fd[fd]
            while True:
                try:
                    data = r["rtp"].recv(65536)
                except BlockingIOError:
                    break
                seq = int.from_bytes(data[2:4], "big")
                if r["last"] is not None:
                    gap = (seq - r["last"] - 1) & 0xffff
                    if gap < 0x8000:  # a later packet; an earlier one (reordered, duplicated) is no gap
                        r["lost"] += gap
                        r["last"] = seq
                else:
                    r["last"] = seq
                r["packets"] += 1
                r["bytes"] += len(data)
    window = time.monotonic() - start
    cpu = f" server_cpu_s={cpu_between(cpu0, cpu_sample(pid)):.6f}" if pid else ""
    for r in readers:
        try:
            r["conn"].setblocking(True)
            r["conn"].sendall(f"TEARDOWN {url} RTSP/1.0\r\nCSeq: {r['cseq']}\r\n"
                              f"Session: {r['session']}\r\n\r\n".encode())
        except OSError:
            pass
    packets = sum(r["packets"] for r in readers)
    lost = sum(r["lost"] for r in readers)
    mbit = sum(r["bytes"] for r in readers) * 8 / 1e6
    worst = max(100 * r["lost"] / (r["packets"] + r["lost"]) if r["packets"] + r["lost"] else 100.0
                for r in readers)
    print(f"readers={n} seconds={window:.3f} packets={packets} lost={lost} mbit={mbit:.3f}"
          f" min_packets={min(r['packets'] for r in readers)} max_packets={max(r['packets'] for r in readers)}"
          f" worst_loss_pct={worst:.4f}{cpu}")


if __name__ == "__main__":
    main()
