#!/usr/bin/python3
"""One python3-libtorrent peer for bench/torrent.sh, on loopback with DHT, LSD, UPnP and NAT-PMP off.
  lt_peer.py seed FILE.torrent DIR PORT   seeds DIR's data until SIGTERM; prints "seeding" once checked
  lt_peer.py get FILE.torrent DIR PORT    downloads into DIR; prints "complete" and exits 0 when done
Tuned as libtorrent is at its fastest: its high_performance_seed() preset, and TCP only. With uTP on
(libtorrent's default; aria2c and layer7 speak only TCP) two libtorrent peers on loopback pick uTP
and move 256 MiB in 22 s instead of 1.6 s on this machine, which would measure uTP, not libtorrent."""
import signal
import sys
import time

import libtorrent as lt

mode, torrent, directory, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
settings = lt.high_performance_seed()
settings.update({"enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
                 "enable_outgoing_utp": False, "enable_incoming_utp": False,
                 "listen_interfaces": f"127.0.0.1:{port}",
                 # every peer of the bench is on 127.0.0.1
                 "allow_multiple_connections_per_ip": True})
ses = lt.session(settings)
handle = ses.add_torrent({"ti": lt.torrent_info(torrent), "save_path": directory})
stop = False


def on_term(*_):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)
signal.signal(signal.SIGINT, on_term)
announced = False
while not stop:
    ses.wait_for_alert(100)
    ses.pop_alerts()
    status = handle.status()
    if mode == "seed" and status.is_seeding and not announced:
        handle.force_reannounce()
        print("seeding", flush=True)
        announced = True
    if mode == "get" and status.is_seeding:
        print("complete", flush=True)
        break
ses.pause()
deadline = time.monotonic() + 5
while time.monotonic() < deadline and not handle.status().paused:
    ses.wait_for_alert(100)
    ses.pop_alerts()
