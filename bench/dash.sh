#!/usr/bin/env bash
# DASH adaptation benchmark: `layer7 stream play` against dash.js (headless Chromium on /dash.html)
# behind the same bottleneck — bench/dash/relay.py caps server→client bytes by one rate trace (plenty,
# a dip below the middle rendition, plenty again), a fresh relay (trace from t = 0) per run. Both
# players get the same video-only MPD (the test pattern's, its audio set left out, so dash.js does
# not share the link with an audio track our player never fetches) and play it ROUNDS times, A B
# A B; printed per run and side by side (medians): the time-weighted average video bitrate,
# representation switches, stalls and their total length, startup delay. Not run in CI.
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   PLAY_SECONDS=50 (media seconds each player plays)  ROUNDS=3  TRACE=file (default: the one below)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

PLAY_SECONDS="${PLAY_SECONDS:-50}"
ROUNDS="${ROUNDS:-3}"
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

# The same presentation without its audio adaptation set: both players then fetch video alone.
/usr/bin/python3 - "$work/data/www/dash/manifest.mpd" "$work/data/www/dash/video.mpd" <<'PY'
import re, sys
mpd = open(sys.argv[1]).read()
video = re.sub(r'\s*<AdaptationSet[^>]*contentType="audio".*?</AdaptationSet>', '', mpd, flags=re.S)
assert video != mpd and 'contentType="video"' in video, "no audio adaptation set to leave out"
open(sys.argv[2], "w").write(video)
PY

play_ours() {  # ROUND → $work/ours-ROUND.txt
    start_relay "ours-$1"
    "$layer7" stream play --duration "$PLAY_SECONDS" "http://127.0.0.1:$relay/dash/video.mpd" > "$work/ours-$1.txt"
    kill "$relay_pid"
    grep -q '^summary:' "$work/ours-$1.txt" || { echo "layer7 stream play printed no summary" >&2; exit 1; }
}

play_dashjs() {  # ROUND → $work/reports/dashjs-ROUND.json
    start_relay "dashjs-$1"
    chromium --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking \
        --disable-component-update --no-proxy-server --autoplay-policy=no-user-gesture-required \
        --remote-debugging-port=0 --user-data-dir="$work/profile-$1" \
        "http://127.0.0.1:$relay/dash.html?mpd=/dash/video.mpd&report=/reports/dashjs-$1.json&seconds=$PLAY_SECONDS" \
        >/dev/null 2>&1 &
    local chrome=$!
    pids+=($chrome)
    local end=$((SECONDS + PLAY_SECONDS + 90))
    until [ -s "$work/reports/dashjs-$1.json" ]; do
        [ "$SECONDS" -lt "$end" ] || { echo "dash.js sent no report" >&2; exit 1; }
        sleep 0.5
    done
    kill "$chrome" "$relay_pid"
    wait "$chrome" 2>/dev/null || true
}

for round in $(seq 1 "$ROUNDS"); do
    echo "round $round/$ROUNDS: layer7 stream play through the trace…"
    play_ours "$round"
    echo "round $round/$ROUNDS: dash.js in headless Chromium through the trace…"
    play_dashjs "$round"
done

echo
echo "trace (s kbit/s): $(tr '\n' ';' < "$trace")  ${PLAY_SECONDS} s of media per run, video only (300/800/2000 kbit/s)"
/usr/bin/python3 - "$work" "$ROUNDS" <<'PY'
import json, re, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
summary = re.compile(r"^summary: (\d+) segments, ([\d.]+) s of media, average bitrate (\d+) kbit/s, (\d+) switches, "
                     r"(\d+) stalls \(([\d.]+) s\), startup delay ([\d.]+) s$", re.M)
runs = {"layer7 stream play": [], "dash.js 4.7.4": []}
for r in range(1, rounds + 1):
    m = summary.search(open(f"{work}/ours-{r}.txt").read())
    runs["layer7 stream play"].append({"media": float(m[2]), "kbps": int(m[3]), "switches": int(m[4]),
                                       "stalls": int(m[5]), "stall_s": float(m[6]), "startup": float(m[7])})
    j = json.load(open(f"{work}/reports/dashjs-{r}.json"))
    if j["errors"]:
        print(f"dash.js round {r} errors: {j['errors']}")
    # dash.js reports each rendered quality change: the switches
    runs["dash.js 4.7.4"].append({"media": j["played"] - j["stall_seconds"], "kbps": j["avg_kbps"],
                                  "switches": len(j["bitrates"]), "stalls": j["stalls"], "stall_s": j["stall_seconds"],
                                  "startup": j["startup"] or 0, "changes": j["bitrates"]})
for name, rs in runs.items():
    for i, x in enumerate(rs, 1):
        extra = f"  {x['changes']}" if "changes" in x else ""
        print(f"  {name:<19} run {i}: {x['kbps']:>5} kbit/s  {x['switches']:>2} switches  {x['stalls']} stalls "
              f"({x['stall_s']:.2f} s)  startup {x['startup']:.2f} s  {x['media']:.1f} s played{extra}")
print()
print(f"{'median of ' + str(rounds):<20}| avg bitrate kbit/s | switches | stalls | stall time s | startup s")
for name, rs in runs.items():
    med = lambda k: statistics.median(x[k] for x in rs)
    print(f"{name:<20}| {med('kbps'):>18.0f} | {med('switches'):>8.0f} | {med('stalls'):>6.0f} | "
          f"{med('stall_s'):>12.2f} | {med('startup'):>9.2f}")
PY
