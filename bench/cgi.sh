#!/usr/bin/env bash
# CGI benchmark: wrk against a trivial shell script under layer7's [[http.cgi]] and under lighttpd's
# mod_cgi (Debian's lighttpd, its own config on loopback). Both run the same script from the same
# directory, access logs off, keep-alive on; servers alternate A B A B … for ROUNDS rounds.
# CPU per request counts the server and the scripts it reaped (utime+stime+cutime+cstime).
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 DURATION=5s CONNECTIONS=10 WORKERS=1 (lighttpd is one process) PIN=1 (see lib.sh)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5s}"
CONNECTIONS="${CONNECTIONS:-10}"
WORKERS="${WORKERS:-1}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
for tool in wrk lighttpd; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh bench" >&2; exit 1; }
done

work="$(mktemp -d /tmp/layer7-bench-cgi.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/docs" "$work/cgi-bin"
cat >"$work/cgi-bin/hello.sh" <<'EOF_SCRIPT'
#!/bin/sh
printf 'Content-Type: text/plain\r\n\r\nhello from %s\n' "$SERVER_SOFTWARE"
EOF_SCRIPT
chmod 755 "$work/cgi-bin/hello.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

declare -A port pid
start_layer7() {
    port[layer7]="$(free_port)"
    cat >"$work/layer7.toml" <<EOF_CONF
[runtime]
threads = $WORKERS
data = "$work/l7data"
log_level = "warn"
[http]
listen = "127.0.0.1:${port[layer7]}"
root = "$work/docs"
builtins = false
[[http.cgi]]
prefix = "/cgi-bin/"
dir = "$work/cgi-bin"
EOF_CONF
    $(server_pin) "$layer7" up --config "$work/layer7.toml" >"$work/layer7.out" 2>&1 &
    pid[layer7]=$!
    pids+=("$!")
}

start_lighttpd() {
    port[lighttpd]="$(free_port)"
    cat >"$work/lighttpd.conf" <<EOF_CONF
server.modules = ("mod_alias", "mod_cgi")
server.document-root = "$work/docs"
server.bind = "127.0.0.1"
server.port = ${port[lighttpd]}
server.errorlog = "$work/lighttpd.err"
server.pid-file = "$work/lighttpd.pid"
server.max-keep-alive-requests = 1000
alias.url = ("/cgi-bin/" => "$work/cgi-bin/")
\$HTTP["url"] =~ "^/cgi-bin/" { cgi.assign = ("" => "") }
EOF_CONF
    # -D: stay in the foreground, so $! is the server itself
    $(server_pin) lighttpd -D -f "$work/lighttpd.conf" >"$work/lighttpd.out" 2>&1 &
    pid[lighttpd]=$!
    pids+=("$!")
}

# utime + stime + cutime + cstime: the server and the scripts it has reaped.
ticks_with_children() {
    local stat rest
    stat="$(cat "/proc/$1/stat")"
    rest="${stat##*) }"
    awk '{ print $12 + $13 + $14 + $15 }' <<<"$rest"
}

servers=(layer7 lighttpd)
start_layer7
start_lighttpd
for s in "${servers[@]}"; do
    wait_port "${port[$s]}" || { cat "$work/$s.out" >&2; exit 1; }
    curl -fsS "http://127.0.0.1:${port[$s]}/cgi-bin/hello.sh" | grep -q hello ||
        { echo "$s does not run the script" >&2; cat "$work/$s.out" "$work/lighttpd.err" 2>/dev/null >&2; exit 1; }
done

to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f\n", v }'; }

# One bounded wrk run: prints "req/s p99ms cpu_us_per_req errors".
measure() {
    local server="$1" before after out requests rps p99 errors hz
    before="$(ticks_with_children "${pid[$server]}")"
    out="$($(client_pin) wrk -t1 -c"$CONNECTIONS" -d"$DURATION" --latency "http://127.0.0.1:${port[$server]}/cgi-bin/hello.sh")"
    after="$(ticks_with_children "${pid[$server]}")"
    requests="$(awk '/requests in/ { print $1 }' <<<"$out")"
    rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
    p99="$(awk '$1 == "99%" { print $2 }' <<<"$out" | to_ms)"
    errors="$(awk '/Non-2xx|Socket errors/ { n++ } END { print n + 0 }' <<<"$out")"
    hz="$(clock_ticks)"
    awk -v r="$rps" -v p="$p99" -v t="$((after - before))" -v hz="$hz" -v n="$requests" -v e="$errors" \
        'BEGIN { printf "%s %s %.1f %d\n", r, p, (n > 0 ? t / hz * 1e6 / n : 0), e }'
}

for s in "${servers[@]}"; do  # warm-up
    $(client_pin) wrk -t1 -c"$CONNECTIONS" -d1s "http://127.0.0.1:${port[$s]}/cgi-bin/hello.sh" >/dev/null
done

echo "wrk -t1 -c$CONNECTIONS -d$DURATION on a trivial sh script, $WORKERS layer7 worker(s) vs lighttpd (one process), $ROUNDS rounds (A B alternating), $(pin_note)"
printf '%-9s %12s %10s %22s %8s\n' server "req/s(med)" "p99 ms" "CPU us/req (+scripts)" "errors"
declare -A r p c e
for ((i = 0; i < ROUNDS; i++)); do
    for s in "${servers[@]}"; do
        read -r a b d f <<<"$(measure "$s")"
        r[$s]+="$a "
        p[$s]+="$b "
        c[$s]+="$d "
        e[$s]=$((${e[$s]:-0} + f))
    done
done
declare -A rps cpu
for s in "${servers[@]}"; do
    # shellcheck disable=SC2086
    rps[$s]="$(median ${r[$s]})"
    # shellcheck disable=SC2086
    cpu[$s]="$(median ${c[$s]})"
    # shellcheck disable=SC2086
    printf '%-9s %12.0f %10.2f %22.1f %8d\n' "$s" "${rps[$s]}" "$(median ${p[$s]})" "${cpu[$s]}" "${e[$s]}"
done
echo
awk -v l="${rps[layer7]}" -v p="${rps[lighttpd]}" -v lc="${cpu[layer7]}" -v pc="${cpu[lighttpd]}" \
    'BEGIN { printf "ratio layer7 / lighttpd: req/s %.2f   CPU per request (lighttpd / layer7) %.2f\n", l / p, (lc > 0 ? pc / lc : 0) }'
