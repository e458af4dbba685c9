#!/usr/bin/env bash
# RTSP fan-out benchmark: one 4 Mbit/s H.264 stream relayed to 1, 10 and 100 UDP readers on loopback,
# layer7 against the GStreamer RTSP server (gst-rtsp-server through python3-gi) doing the same job.
#
# The same job: both servers receive the very same RTP packets (ffmpeg's H.264 packetiser, -re,
# -c copy of a 4 Mbit/s constant-rate file played in a loop, no re-encoding) over UDP, once, and send
# each packet on to every reader without depayloading it:
#   layer7  ffmpeg publishes with ANNOUNCE/RECORD (-f rtsp, RTP over UDP); layer7 relays the packets.
#   gst     ffmpeg sends the RTP (-f rtp) to the udpsrc that is the shared media's "pay0" element, so
#           gst-rtsp-server (set_shared) relays the packets through its rtpbin and multiudpsink.
# gst-rtsp-server's own RECORD mode was not used: a RECORD media cannot be PLAYed, and bridging it
# into a second, playable media adds a hop per packet inside gst that layer7 does not pay. Nor a file
# played by gst (qtdemux ! rtph264pay): gst would payload while layer7 only relays (and multifilesrc
# gives qtdemux no seeking, so the usual moov-at-the-end MP4 never prerolls: DESCRIBE answers 503).
#
# Measured per run, over a window that opens once every reader plays (bench/rtsp_readers.py): the
# server's CPU time (every thread, from /proc) divided by the Mbit of RTP it delivered to the readers
# (summed over them: CPU per reader-Mbit), and the readers' loss (RTP sequence gaps). Readers and
# publisher run on CPU 0, the server on the others (lib.sh's pinning). Alternates layer7, gst for
# ROUNDS rounds per reader count; prints medians, each round's figure and the ratio gst/layer7 of
# CPU per reader-Mbit (the issue's goal: ≥ 1.0, with zero loss at 100 readers).
#   LAYER7_BIN=path  ROUNDS=3 SECONDS_PER_RUN=10 READERS="1 10 100" WORKERS=1 (layer7 --threads)
set -euo pipefail
shopt -s inherit_errexit  # run_one runs in $(…): a failure there must stop it too
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-10}"
READERS="${READERS:-1 10 100}"
WORKERS="${WORKERS:-1}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
command -v ffmpeg >/dev/null || { echo "ffmpeg missing: run tools/setup.sh bench" >&2; exit 1; }
/usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0')" 2>/dev/null ||
    { echo "gir1.2-gst-rtsp-server-1.0 missing: run tools/setup.sh bench" >&2; exit 1; }

bench_workspace rtsp
free_udp_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(type=socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# the stream: 4 Mbit/s constant-rate H.264, 720p30, 60 s, played in a loop by the publisher
ffmpeg -nostdin -hide_banner -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30:duration=60 -c:v libx264 \
    -preset ultrafast -b:v 4M -minrate 4M -maxrate 4M -bufsize 2M -x264-params nal-hrd=cbr -g 30 \
    -pix_fmt yuv420p -y "$work/stream.mp4"
# its SDP as ffmpeg's RTP muxer writes it (no packet sent): gst's SDP carries the same fmtp
ffmpeg -nostdin -hide_banner -loglevel error -i "$work/stream.mp4" -map 0:v -c copy -frames:v 0 -f rtp \
    -sdp_file "$work/stream.sdp" rtp://127.0.0.1:9
fmtp="$(sed -n 's/^a=fmtp:96 //p' "$work/stream.sdp" | tr -d '\r')"

cat >"$work/gst_relay.py" <<'EOF_PY'
"""gst-rtsp-server relaying the RTP packets that arrive on a UDP port to every reader of /live
(one shared media; the udpsrc is its pay0). Usage: gst_relay.py PORT RTP_PORT 'FMTP'"""
import sys
import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer
Gst.init(None)
port, rtp_port, fmtp = sys.argv[1], sys.argv[2], sys.argv[3]
caps = "application/x-rtp,media=video,clock-rate=90000,encoding-name=H264,payload=96"
for pair in fmtp.split(";"):  # packetization-mode, sprop-parameter-sets, profile-level-id: into the SDP
    key, _, value = pair.strip().partition("=")
    if key:
        caps += f',{key}=(string)"{value}"'
caps = Gst.Caps.from_string(caps)
def configure(_factory, media):
    media.get_element().get_by_name("pay0").set_property("caps", caps)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(port)
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(f"( udpsrc name=pay0 address=127.0.0.1 port={rtp_port} buffer-size=4194304 )")
factory.set_shared(True)
factory.connect("media-configure", configure)
server.get_mount_points().add_factory("/live", factory)
server.attach(None)
print("ready", flush=True)
loop = GLib.MainLoop()
GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, 15, loop.quit)
loop.run()
EOF_PY

# Waits (10 s at most) until DESCRIBE of URL answers 200: the publisher's ANNOUNCE/RECORD is done.
wait_published() {
    /usr/bin/python3 - "$1" <<'EOF_PY'
import re, socket, sys, time
url = sys.argv[1]
host, port = re.match(r"rtsp://([^:/]+):(\d+)", url).groups()
end = time.monotonic() + 10
while True:
    try:
        with socket.create_connection((host, int(port)), timeout=2) as s:
            s.sendall(f"DESCRIBE {url} RTSP/1.0\r\nCSeq: 1\r\n\r\n".encode())
            if s.recv(4096).startswith(b"RTSP/1.0 200"):
                sys.exit(0)
    except OSError:
        pass
    if time.monotonic() > end:
        sys.exit(f"{url} not published within 10 s")
    time.sleep(0.1)  # polling against the deadline above
EOF_PY
}

stop_run() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
run_one() {  # $1 = layer7|gst, $2 = readers; prints rtsp_readers.py's key=value line. Runs in $(…),
    # a subshell: its EXIT trap stops the server and publisher it started, whichever way it ends.
    local which="$1" n="$2" port url spid out rtp
    pids=()
    trap stop_run EXIT
    port="$(free_port)"
    url="rtsp://127.0.0.1:$port/live"
    if [ "$which" = layer7 ]; then
        rtp=$(( ($(free_udp_port) / 2) * 2 ))
        $(server_pin) "$layer7" --log-level warn --threads "$WORKERS" rtsp serve --listen "127.0.0.1:$port" \
            --rtp-port "$rtp" >"$work/server.out" 2>&1 &
        spid=$!; pids+=("$spid")
        wait_port "$port"
        $(client_pin) ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$work/stream.mp4" -c copy \
            -f rtsp "$url" >"$work/publisher.out" 2>&1 &
        pids+=($!)
        wait_published "$url"
    else
        rtp="$(free_udp_port)"
        $(server_pin) /usr/bin/python3 "$work/gst_relay.py" "$port" "$rtp" "$fmtp" >"$work/server.out" 2>&1 &
        spid=$!; pids+=("$spid")
        wait_port "$port"
        $(client_pin) ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$work/stream.mp4" -c copy \
            -f rtp "rtp://127.0.0.1:$rtp" >"$work/publisher.out" 2>&1 &
        pids+=($!)
    fi
    out="$($(client_pin) /usr/bin/python3 "$here/rtsp_readers.py" "$url" "$n" "$SECONDS_PER_RUN" --server-pid "$spid")" ||
        { echo "$which, $n readers: the readers failed; the server said:" >&2; cat "$work/server.out" >&2; exit 1; }
    echo "$out"
}

field() { sed -n "s/.*\<$1=\([^ ]*\).*/\1/p" <<<"$2"; }

echo "RTSP fan-out of one 4 Mbit/s H.264 stream, $SECONDS_PER_RUN s per run, $ROUNDS rounds, layer7 --threads $WORKERS;"
echo "$(pin_note)"
printf '%7s  %-15s  %13s  %19s  %-22s  %12s  %s\n' readers server "Mbit/s/reader" "CPU µs/reader-Mbit" \
    "lost packets (%)" "worst reader" "per round (µs/reader-Mbit)"
for n in $READERS; do
    declare -A us=() rate=() lost=() sent=() worst=()
    for _ in $(seq "$ROUNDS"); do
        for which in layer7 gst; do
            out="$(run_one "$which" "$n")"
            cpu="$(field server_cpu_s "$out")"; mbit="$(field mbit "$out")"; secs="$(field seconds "$out")"
            us[$which]+="$(awk -v c="$cpu" -v m="$mbit" 'BEGIN { printf "%.0f", (m > 0 ? c * 1e6 / m : 0) }') "
            rate[$which]+="$(awk -v m="$mbit" -v s="$secs" -v n="$n" 'BEGIN { printf "%.3f", m / s / n }') "
            lost[$which]=$(( ${lost[$which]:-0} + $(field lost "$out") ))
            sent[$which]=$(( ${sent[$which]:-0} + $(field packets "$out") + $(field lost "$out") ))
            worst[$which]+="$(field worst_loss_pct "$out") "
        done
    done
    for which in layer7 gst; do
        printf '%7d  %-15s  %13.2f  %18.0f  %-22s  %11.3f%%  %s\n' "$n" \
            "$([ "$which" = gst ] && echo gst-rtsp-server || echo layer7)" "$(median ${rate[$which]})" \
            "$(median ${us[$which]})" \
            "${lost[$which]} ($(awk -v l="${lost[$which]}" -v s="${sent[$which]}" 'BEGIN { printf "%.3f%%", (s > 0 ? 100 * l / s : 0) }'))" \
            "$(best ${worst[$which]})" "${us[$which]% }"
    done
    printf '%7s  layer7 efficiency = gst CPU per reader-Mbit / layer7 CPU per reader-Mbit = %.2f×\n' "" \
        "$(awk -v a="$(median ${us[layer7]})" -v b="$(median ${us[gst]})" 'BEGIN { print (a > 0 ? b / a : 0) }')"
    unset us rate lost sent worst
done
