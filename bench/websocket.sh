#!/usr/bin/env bash
# WebSocket echo benchmark: layer7's /ws/echo against npm `ws` (Debian node-ws) and a Boost.Beast
# asynchronous echo server (bench/websocket/beast_echo_server.cpp), all on loopback, permessage-
# deflate off everywhere. The load generator (bench/websocket/load.cpp, Beast client) holds
# CONNECTIONS connections, each sending a message and waiting for its echo in a loop:
#   small: 32-byte text messages → round trips/s and p99 latency
#   large: 64 KiB binary messages (10 connections) → MB/s echoed
# Servers alternate A B C A B C … for ROUNDS rounds; the median of each is printed with the server
# CPU per round trip, and the ratios layer7 / the faster peer. Not run in CI.
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 SECONDS_EACH=5 CONNECTIONS=100 PIN=1 (CPU placement: see lib.sh)
#   WORKERS= threads of layer7 and of the Beast server; by default one per CPU the servers get
#   (npm ws is one thread whatever the machine)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
SECONDS_EACH="${SECONDS_EACH:-5}"
CONNECTIONS="${CONNECTIONS:-100}"
WORKERS="${WORKERS:-$(server_cpu_count)}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
for tool in node g++; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh bench" >&2; exit 1; }
done
[ -d /usr/share/nodejs/ws ] && [ -f /usr/include/boost/beast.hpp ] ||
    { echo "node-ws or libboost-dev missing: run tools/setup.sh bench" >&2; exit 1; }

work="$(mktemp -d /tmp/layer7-bench-ws.XXXXXX)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The Beast server and the load generator, built once into build/bench (again when the source changes).
# -std=c++17: Boost 1.74's asio/awaitable.hpp does not compile as C++20 without help.
bin="$here/../build/bench"
mkdir -p "$bin"
for prog in beast_echo_server load; do
    if [ ! -x "$bin/$prog" ] || [ "$here/websocket/$prog.cpp" -nt "$bin/$prog" ]; then
        echo "building $prog…" >&2
        g++ -O2 -std=c++17 -o "$bin/$prog" "$here/websocket/$prog.cpp" -pthread
    fi
done

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

declare -A port pid path
start_layer7() {
    port[layer7]="$(free_port)"; path[layer7]=/ws/echo
    mkdir -p "$work/root"
    $(server_pin) "$layer7" --threads "$WORKERS" --log-level warn --data "$work/l7data" http serve --root "$work/root" \
        --listen "127.0.0.1:${port[layer7]}" >"$work/layer7.out" 2>&1 &
    pid[layer7]=$!; pids+=("$!")
}
start_node() {
    port[node_ws]="$(free_port)"; path[node_ws]=/
    NODE_PATH=/usr/share/nodejs $(server_pin) node "$here/websocket/node_echo_server.js" "${port[node_ws]}" \
        >"$work/node.out" 2>&1 &
    pid[node_ws]=$!; pids+=("$!")
}
start_beast() {
    port[beast]="$(free_port)"; path[beast]=/
    $(server_pin) "$bin/beast_echo_server" "${port[beast]}" "$WORKERS" >"$work/beast.out" 2>&1 &
    pid[beast]=$!; pids+=("$!")
}
start_layer7; start_node; start_beast
servers=(layer7 node_ws beast)
for s in "${servers[@]}"; do wait_port "${port[$s]}"; done

ticks="$(clock_ticks)"
# run SERVER CONNS SIZE KIND → "rtt_per_s p99_us mb_per_s cpu_us_per_rtt"
run() {
    local s="$1" before after out
    before="$(cpu_ticks "${pid[$s]}")"
    out="$($(client_pin) "$bin/load" 127.0.0.1 "${port[$s]}" "${path[$s]}" "$2" "$SECONDS_EACH" "$3" "$4")"
    after="$(cpu_ticks "${pid[$s]}")"
    awk -v o="$out" -v d=$((after - before)) -v t="$ticks" 'BEGIN {
        split(o, f, " "); rtt = f[2]; p99 = f[6]; mb = f[8]
        cpu = (rtt > 0) ? d / t * 1e6 / (rtt * '"$SECONDS_EACH"') : 0
        printf "%s %s %s %.1f\n", rtt, p99, mb, cpu }'
}

echo "# websocket echo: $WORKERS workers, ${SECONDS_EACH}s per run, $ROUNDS rounds; $(pin_note)"
declare -A small_rtt small_p99 small_cpu large_mb
for r in $(seq "$ROUNDS"); do
    for s in "${servers[@]}"; do
        read -r rtt p99 _ cpu < <(run "$s" "$CONNECTIONS" 32 text)
        small_rtt[$s]+="$rtt "; small_p99[$s]+="$p99 "; small_cpu[$s]+="$cpu "
        read -r _ _ mb _ < <(run "$s" 10 65536 binary)
        large_mb[$s]+="$mb "
    done
done

printf "%-8s %14s %10s %16s %14s\n" server "small rtt/s" "p99 µs" "CPU µs/rtt" "64KiB MB/s"
declare -A m_rtt m_p99 m_mb
for s in "${servers[@]}"; do
    m_rtt[$s]="$(median ${small_rtt[$s]})"; m_p99[$s]="$(median ${small_p99[$s]})"; m_mb[$s]="$(median ${large_mb[$s]})"
    printf "%-8s %14.0f %10.0f %16.1f %14.1f\n" "$s" "${m_rtt[$s]}" "${m_p99[$s]}" "$(median ${small_cpu[$s]})" "${m_mb[$s]}"
done
faster_rtt="$(best "${m_rtt[node_ws]}" "${m_rtt[beast]}")"
faster_mb="$(best "${m_mb[node_ws]}" "${m_mb[beast]}")"
awk -v a="${m_rtt[layer7]}" -v b="$faster_rtt" -v c="${m_mb[layer7]}" -v d="$faster_mb" \
    'BEGIN { printf "ratio layer7 / faster peer: round trips %.2f, 64 KiB throughput %.2f\n", a / b, c / d }'
