#!/usr/bin/env bash
# RTSP fan-out benchmark: one 4 Mbit/s H.264 stream read by 1, 10 and 100 UDP readers on loopback.
# layer7: ffmpeg publishes the stream (ANNOUNCE/RECORD, -c copy, no re-encoding) and layer7 relays
# it to every reader. GStreamer RTSP server (python3-gi): one shared media reading the same file
# (qtdemux ! rtph264pay, no re-encoding), fanned out to every reader. Measured per run: the server's
# CPU time (utime + stime) over the window, divided by the Mbit it delivered to readers, and the
# readers' packet loss (sequence gaps). Alternates A B A B for ROUNDS rounds per reader count.
#   LAYER7_BIN=path  ROUNDS=3 SECONDS_PER_RUN=10 READERS="1 10 100" WORKERS=1
set -euo pipefail
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

work="$(mktemp -d /tmp/layer7-bench-rtsp.XXXXXX)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# the stream: 4 Mbit/s constant-rate H.264, 720p30, 60 s (played in a loop by both servers' sources)
ffmpeg -hide_banner -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30:duration=60 -c:v libx264 \
    -preset ultrafast -b:v 4M -minrate 4M -maxrate 4M -bufsize 2M -x264-params nal-hrd=cbr -g 30 \
    -pix_fmt yuv420p -y "$work/stream.mp4"

cat >"$work/gst_fanout.py" <<'EOF_PY'
import sys
import gi
gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer
Gst.init(None)
server = GstRtspServer.RTSPServer()
server.set_address("127.0.0.1")
server.set_service(sys.argv[1])
factory = GstRtspServer.RTSPMediaFactory()
factory.set_launch(f"( multifilesrc location={sys.argv[2]} loop=true ! qtdemux ! h264parse ! "
                   "rtph264pay name=pay0 pt=96 config-interval=1 )")
factory.set_shared(True)
server.get_mount_points().add_factory("/live", factory)
server.attach(None)
print("ready", flush=True)
GLib.MainLoop().run()
EOF_PY

run_one() {  # $1 = layer7|gst, $2 = readers; prints "cpu_seconds mbit lost packets"
    local which="$1" n="$2" port url spid ppid="" t0 t1 out
    port="$(free_port)"
    url="rtsp://127.0.0.1:$port/live"
    if [ "$which" = layer7 ]; then
        local rtp=$(( ($(free_port) / 2) * 2 ))
        $(server_pin) "$layer7" --log-level warn --threads "$WORKERS" rtsp serve --listen "127.0.0.1:$port" \
            --rtp-port "$rtp" >"$work/server.out" 2>&1 &
        spid=$!; pids+=("$spid")
        wait_port "$port"
        ffmpeg -hide_banner -loglevel error -re -stream_loop -1 -i "$work/stream.mp4" -c copy -f rtsp "$url" \
            >"$work/publisher.out" 2>&1 &
        ppid=$!; pids+=("$ppid")
        for _ in $(seq 100); do  # published once DESCRIBE answers 200
            /usr/bin/python3 - "$port" <<'EOF_PY' && break || sleep 0.1
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
s.sendall(b"DESCRIBE rtsp://127.0.0.1/live RTSP/1.0\r\nCSeq: 1\r\n\r\n")
sys.exit(0 if s.recv(4096).startswith(b"RTSP/1.0 200") else 1)
EOF_PY
        done
    else
        $(server_pin) /usr/bin/python3 "$work/gst_fanout.py" "$port" "$work/stream.mp4" >"$work/server.out" 2>&1 &
        spid=$!; pids+=("$spid")
        wait_port "$port"
    fi
    # readers connect, then the measured window is theirs
    t0=$(cpu_ticks "$spid")
    out="$($(client_pin) /usr/bin/python3 "$here/rtsp_readers.py" "$url" "$n" "$SECONDS_PER_RUN")"
    t1=$(cpu_ticks "$spid")
    [ -n "$ppid" ] && kill "$ppid" 2>/dev/null && wait "$ppid" 2>/dev/null || true
    kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
    awk -v t=$((t1 - t0)) -v hz="$(clock_ticks)" '{ print t / hz, $8, $6, $4 }' <<<"$out"
}

echo "RTSP fan-out of one 4 Mbit/s stream, $SECONDS_PER_RUN s per run, $ROUNDS rounds; $(pin_note)"
for n in $READERS; do
    declare -A per=() loss=()
    for _ in $(seq "$ROUNDS"); do
        for which in layer7 gst; do
            read -r cpu mbit lost packets < <(run_one "$which" "$n")
            per[$which]+="$(awk -v c="$cpu" -v m="$mbit" 'BEGIN { printf "%.6f ", (m > 0 ? c / m * 1000 : 0) }') "
            loss[$which]+="$(awk -v l="$lost" -v p="$packets" 'BEGIN { printf "%.4f ", (p + l > 0 ? 100 * l / (p + l) : 0) }') "
        done
    done
    l7=$(median ${per[layer7]}); gs=$(median ${per[gst]})
    printf '%4d readers: layer7 %.3f ms CPU per reader-Mbit, loss %s%% | gst-rtsp-server %.3f ms, loss %s%% | efficiency ratio (gst/layer7) %.2f\n' \
        "$n" "$l7" "$(median ${loss[layer7]})" "$gs" "$(median ${loss[gst]})" \
        "$(awk -v a="$l7" -v b="$gs" 'BEGIN { print (a > 0 ? b / a : 0) }')"
    unset per loss
done
