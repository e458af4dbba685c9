#!/usr/bin/env bash
# DASH adaptation benchmark: `layer7 stream play` against dash.js (headless Chromium on /dash.html)
# behind the same bottleneck — bench/dash/relay.py caps server→client bytes by one rate trace (plenty,
# a dip below the middle rendition, plenty again). Each player plays the same 60 s test pattern
# (3 renditions: 300/800/2000 kbit/s) from `layer7 up`; printed side by side: the time-weighted
# average video bitrate, the number of stalls and their total length. Not run in CI.
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   PLAY_SECONDS=50 (media seconds each player plays)  TRACE=file (default: the one below)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

PLAY_SECONDS="${PLAY_SECONDS:-50}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
dashjs="$here/../vendor/dashjs/dash.all.min.js"
for tool in ffmpeg chromium /usr/bin/python3 curl; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh test" >&2; exit 1; }
done
[ -f "$dashjs" ] || { echo "dash.js missing: run tools/setup.sh test (fetches it from npm)" >&2; exit 1; }

work="$(mktemp -d /tmp/layer7-bench-dash.XXXXXX)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_line() {  # FILE TEXT SECONDS
    local end=$((SECONDS + $3))
    until grep -q "$2" "$1" 2>/dev/null; do
        [ "$SECONDS" -lt "$end" ] || { echo "timed out waiting for '$2' in $1" >&2; cat "$1" >&2; exit 1; }
        sleep 0.2
    done
}

trace="${TRACE:-$work/trace.txt}"
[ -n "${TRACE:-}" ] || printf '0 4000\n15 550\n35 4000\n' > "$trace"

echo "making the 60 s test pattern…"
"$layer7" stream make --test-pattern 60 --out "$work/data/www/dash" >/dev/null
mkdir -p "$work/reports"
port="$(free_port)"
cat > "$work/layer7.toml" <<TOML
[runtime]
threads = 2
data = "$work/data"
log_level = "warn"
[http]
listen = "127.0.0.1:$port"
[[http.mount]]
prefix = "/reports/"
handler = "files"
root = "$work/reports"
writable = true
[dash]
test_pattern = 0
dashjs = "$dashjs"
TOML
"$layer7" up --config "$work/layer7.toml" > "$work/up.log" 2>&1 &
pids+=($!)
wait_line "$work/up.log" "layer7 is up" 30

start_relay() {  # → relay port in $relay
    relay="$(free_port)"
    /usr/bin/python3 "$here/dash/relay.py" "$relay" "$port" "$trace" > "$work/relay-$1.log" 2>&1 &
    relay_pid=$!
    pids+=($relay_pid)
    wait_line "$work/relay-$1.log" "relay ready" 10
}

echo "layer7 stream play through the trace…"
start_relay ours
"$layer7" stream play --duration "$PLAY_SECONDS" "http://127.0.0.1:$relay/dash/manifest.mpd" > "$work/ours.txt"
kill "$relay_pid"
ours="$(grep '^summary:' "$work/ours.txt")"

echo "dash.js in headless Chromium through the trace…"
start_relay dashjs
chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
    --disable-component-update --no-proxy-server --autoplay-policy=no-user-gesture-required \
    --remote-debugging-port=0 --user-data-dir="$work/profile" \
    "http://127.0.0.1:$relay/dash.html?report=/reports/dashjs.json&seconds=$PLAY_SECONDS" >/dev/null 2>&1 &
chrome=$!
pids+=($chrome)
end=$((SECONDS + PLAY_SECONDS + 90))
until [ -s "$work/reports/dashjs.json" ]; do
    [ "$SECONDS" -lt "$end" ] || { echo "dash.js sent no report" >&2; exit 1; }
    sleep 0.5
done
kill "$chrome" "$relay_pid"

echo
echo "trace (s kbit/s): $(tr '\n' ';' < "$trace")"
echo "layer7 stream play: $ours"
/usr/bin/python3 - "$work/reports/dashjs.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"dash.js 4.7.4:      played {r['played']:.1f} s, average bitrate {r['avg_kbps']} kbit/s, "
      f"{len(r['bitrates'])} quality changes {r['bitrates']}, {r['stalls']} stalls ({r['stall_seconds']:.2f} s), "
      f"errors {r['errors']}")
PY
