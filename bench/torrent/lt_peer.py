#!/usr/bin/python3
"""One python3-libtorrent peer for bench/torrent.sh, on loopback with DHT, LSD, UPnP and NAT-PMP off.
  lt_peer.py seed FILE.torrent DIR PORT   seeds DIR's data until SIGTERM; prints "seeding" once checked
  lt_peer.py get FILE.torrent DIR PORT    downloads into DIR; prints "complete" and exits 0 when done
libtorrent's defaults otherwise (its encryption policy included), as a user would run it."""
import signal
import sys
import time

import libtorrent as lt

mode, torrent, directory, port = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
ses = lt.session({"enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
                  "listen_interfaces": f"127.0.0.1:{port}",
                  # every peer of the bench is on 127.0.0.1
                  "allow_multiple_connections_per_ip": True})
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
