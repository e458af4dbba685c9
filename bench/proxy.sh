#!/usr/bin/env bash
# Caching proxy benchmark (bench/README.md): wrk through layer7's proxy in --origin (reverse) mode
# and through Varnish, both in front of the same origin (`layer7 http serve`), on a cached 1 KiB
# object. 2 workers each (layer7 --threads 2, Varnish 2 thread pools), logging off, keep-alive.
# Then the textbook's web-caching example as measured numbers: a request mix with a hit ratio
# of about 0.4, and the share of requests the origin still sees (about 60%).
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 DURATION=5s CONNECTIONS=50 WORKERS=2 MIX_SECONDS=5
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5s}"
CONNECTIONS="${CONNECTIONS:-50}"
WORKERS="${WORKERS:-2}"
MIX_SECONDS="${MIX_SECONDS:-5}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
for tool in wrk varnishd curl; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh bench" >&2; exit 1; }
done

work="$(mktemp -d /tmp/layer7-bench-proxy.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- the origin and its file
docs="$work/docs"
mkdir -p "$docs"
head -c 1024 /dev/urandom >"$docs/1k.bin"
# Last modified 10 days ago: layer7 keeps it fresh for a day by the heuristic (RFC 9111 §4.2.2);
# Varnish uses its default TTL (120 s). Either way every measured request is a hit.
touch -d '10 days ago' "$docs/1k.bin"
declare -A port pid
port[origin]="$(free_port)"
"$layer7" --threads 1 --log-level warn --data "$work/origin-data" http serve --root "$docs" \
    --listen "127.0.0.1:${port[origin]}" >"$work/origin.out" 2>&1 &
pid[origin]=$!
pids+=("$!")
origin="http://127.0.0.1:${port[origin]}"

# ---------------------------------------------------------------- the proxies
start_layer7() {
    port[layer7]="$(free_port)"
    "$layer7" --threads "$WORKERS" --log-level warn --data "$work/l7data" proxy serve \
        --listen "127.0.0.1:${port[layer7]}" --origin "$origin" --cache-dir "$work/l7cache" \
        >"$work/layer7.out" 2>&1 &
    pid[layer7]=$!
    pids+=("$!")
}

start_varnish() {
    port[varnish]="$(free_port)"
    mkdir -p "$work/varnish"
    cat >"$work/varnish/default.vcl" <<VCL
vcl 4.1;
backend default {
    .host = "127.0.0.1";
    .port = "${port[origin]}";
}
VCL
    # -F foreground; -j none: no privilege-separation jail (runs as the caller). Varnish logs to
    # shared memory only (no log file unless varnishncsa runs), so logging is off on both sides.
    varnishd -F -j none -n "$work/varnish/state" -f "$work/varnish/default.vcl" \
        -a "127.0.0.1:${port[varnish]}" -s malloc,256m -p thread_pools="$WORKERS" >"$work/varnish.out" 2>&1 &
    pid[varnish]=$!
    pids+=("$!")
}

# CPU ticks of a server: its process (all threads) plus its direct children (Varnish's cache child).
server_ticks() {
    local total c
    total="$(cpu_ticks "$1")"
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        total=$((total + $(cpu_ticks "$c" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

servers=(layer7 varnish)
wait_port "${port[origin]}" || { cat "$work/origin.out" >&2; exit 1; }
start_layer7
start_varnish
for s in "${servers[@]}"; do
    end=$((SECONDS + 30))
    until curl -fsS -o /dev/null "http://127.0.0.1:${port[$s]}/1k.bin" 2>/dev/null; do
        [ "$SECONDS" -lt "$end" ] || { echo "$s does not serve" >&2; cat "$work/$s.out" >&2; exit 1; }
        sleep 0.1
    done
done
# Both must answer from their cache from now on.
header() { curl -fsS -D - -o /dev/null "$1" | tr -d '\r' | awk -F': ' -v h="$2" 'tolower($1) == h { print $2 }'; }
echo "check: layer7 X-Cache: $(header "http://127.0.0.1:${port[layer7]}/1k.bin" x-cache);" \
    "varnish X-Varnish: $(header "http://127.0.0.1:${port[varnish]}/1k.bin" x-varnish) (two ids = a hit)"

to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f\n", v }'; }

# One bounded wrk run: prints "req/s p99ms cpu_us_per_req".
measure() {
    local server="$1" path="$2" before after out requests rps p99 ticks hz
    before="$(server_ticks "${pid[$server]}")"
    out="$(wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:${port[$server]}$path")"
    after="$(server_ticks "${pid[$server]}")"
    requests="$(awk '/requests in/ { print $1 }' <<<"$out")"
    rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
    p99="$(awk '$1 == "99%" { print $2 }' <<<"$out" | to_ms)"
    hz="$(clock_ticks)"
    ticks=$((after - before))
    awk -v r="$rps" -v p="$p99" -v t="$ticks" -v hz="$hz" -v n="$requests" \
        'BEGIN { printf "%s %s %.2f\n", r, p, (n > 0 ? t / hz * 1e6 / n : 0) }'
}

for s in "${servers[@]}"; do
    wrk -t1 -c10 -d1s "http://127.0.0.1:${port[$s]}/1k.bin" >/dev/null
done
origin_before="$(server_ticks "${pid[origin]}")"

echo "cached 1 KiB object: wrk -t1 -c$CONNECTIONS -d$DURATION, $WORKERS workers per proxy, $ROUNDS rounds (A B alternating)"
printf '%-8s %12s %10s %14s\n' proxy "req/s(med)" "p99 ms" "CPU us/req"
declare -A r=() p=() c=() rps_of cpu_of
for ((i = 0; i < ROUNDS; i++)); do
    for s in "${servers[@]}"; do
        read -r a b d <<<"$(measure "$s" /1k.bin)"
        r[$s]+="$a "
        p[$s]+="$b "
        c[$s]+="$d "
    done
done
for s in "${servers[@]}"; do
    # shellcheck disable=SC2086
    rps_of[$s]="$(median ${r[$s]})"
    # shellcheck disable=SC2086
    cpu_of[$s]="$(median ${c[$s]})"
    # shellcheck disable=SC2086
    printf '%-8s %12.0f %10.2f %14.2f\n' "$s" "${rps_of[$s]}" "$(median ${p[$s]})" "${cpu_of[$s]}"
done
origin_after="$(server_ticks "${pid[origin]}")"
echo "origin CPU during those runs: $((origin_after - origin_before)) ticks (hits never reach it)"

# ---------------------------------------------------------------- the textbook's example
# A fresh layer7 cache; 40% of the requests ask for one popular object (hits after the first), 60%
# for objects nobody asked for before (misses): the origin should see about 60% of the requests.
port[mix]="$(free_port)"
"$layer7" --threads "$WORKERS" --log-level warn --data "$work/mixdata" proxy serve \
    --listen "127.0.0.1:${port[mix]}" --origin "$origin" --cache-dir "$work/mixcache" >"$work/mix.out" 2>&1 &
pid[mix]=$!
pids+=("$!")
wait_port "${port[mix]}"
cat >"$work/mix.lua" <<'LUA'
local n = 0
math.randomseed(7)
request = function()
    n = n + 1
    if math.random() < 0.4 then
        return wrk.format("GET", "/1k.bin")
    end
    return wrk.format("GET", "/1k.bin?unique=" .. n .. "-" .. math.random(1, 1000000000))
end
LUA
mix_out="$(wrk -t1 -c10 -d"${MIX_SECONDS}s" --latency -s "$work/mix.lua" "http://127.0.0.1:${port[mix]}")"
status="$(curl -fsS "http://127.0.0.1:${port[mix]}/layer7-status")"
read -r requests hits origin_requests hit_ratio origin_share < <(python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["requests"], s["hits"], s["origin_requests"], "%.3f" % s["hit_ratio"], "%.3f" % s["origin_share"])' <<<"$status")
echo
echo "textbook web-cache example (mix: 40% one popular object, 60% objects never asked for before):"
echo "  requests $requests, hits $hits, sent to the origin $origin_requests"
echo "  hit ratio $hit_ratio -> the origin sees $origin_share of the requests (textbook: 0.4 -> 60%)"
echo "  mix: $(awk '/^Requests\/sec:/ { print $2 }' <<<"$mix_out") req/s, p99 $(awk '$1 == "99%" { print $2 }' <<<"$mix_out")"

echo
awk -v l="${rps_of[layer7]}" -v v="${rps_of[varnish]}" -v lc="${cpu_of[layer7]}" -v vc="${cpu_of[varnish]}" \
    'BEGIN { printf "ratio layer7 / varnish: req/s %.2f   CPU per request (varnish / layer7) %.2f\n", l / v, (lc > 0 ? vc / lc : 0) }'
