#!/usr/bin/env bash
# The lab's link emulator must not be the bottleneck. Two figures:
#  1. Bulk rate with no shaping: curl fetches a SIZE_MB file from layer7's HTTP server directly,
#     through `layer7 lab relay` (no delay, no rate) and through socat (the plain relay peer), in
#     ROUNDS alternating rounds; prints Gbit/s and the ratio relay/socat. Goal: ≥ 1 Gbit/s.
#  2. Delay held: with --rtt 100 --rate 100, 50 echo round trips through the relay; prints mean,
#     min and max RTT. Goal: within 1 ms of 100 ms (plus the two 5-byte transmissions, 0.8 µs).
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 SIZE_MB=512
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
SIZE_MB="${SIZE_MB:-512}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
for tool in curl socat; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh test" >&2; exit 1; }
done

bench_workspace relay
mkdir -p "$work/www"
head -c "$((SIZE_MB * 1024 * 1024))" /dev/zero >"$work/www/big.bin"

http="$(free_port)"; relay="$(free_port)"; socat_port="$(free_port)"; echo_port="$(free_port)"; shaped="$(free_port)"
"$layer7" --log-level warn http serve --root "$work/www" --listen "127.0.0.1:$http" >/dev/null & pids+=($!)
"$layer7" --log-level warn lab relay --listen "127.0.0.1:$relay" --to "127.0.0.1:$http" >/dev/null & pids+=($!)
socat "TCP-LISTEN:$socat_port,bind=127.0.0.1,reuseaddr,fork" "TCP:127.0.0.1:$http" & pids+=($!)
"$layer7" --log-level warn echo serve --listen "127.0.0.1:$echo_port" >/dev/null & pids+=($!)
"$layer7" --log-level warn lab relay --listen "127.0.0.1:$shaped" --to "127.0.0.1:$echo_port" \
    --rtt 100 --rate 100 >/dev/null & pids+=($!)
for p in "$http" "$relay" "$socat_port" "$echo_port" "$shaped"; do wait_port "$p"; done

gbits() { curl -s -o /dev/null -w '%{speed_download}' "http://127.0.0.1:$1/big.bin" | awk '{ printf "%.2f", $1 * 8 / 1e9 }'; }
direct=() through=() plain=()
for ((r = 1; r <= ROUNDS; r++)); do
    direct+=("$(gbits "$http")")
    through+=("$(gbits "$relay")")
    plain+=("$(gbits "$socat_port")")
done
d="$(median "${direct[@]}")"; l="$(median "${through[@]}")"; s="$(median "${plain[@]}")"
echo "bulk, ${SIZE_MB} MiB, median of $ROUNDS: direct $d Gbit/s, layer7 lab relay $l Gbit/s, socat $s Gbit/s"
awk -v l="$l" -v s="$s" 'BEGIN { printf "ratio relay/socat: %.2f\n", l / s }'

# RTTs through the shaped relay.
python3 - "$shaped" <<'EOF_PY'
import socket, statistics, sys, time
port = int(sys.argv[1])
with socket.create_connection(("127.0.0.1", port)) as s:
    s.sendall(b"warm up\n"); s.recv(100)  # the first exchange also pays the emulated handshake
    rtts = []
    for i in range(50):
        start = time.monotonic()
        s.sendall(b"ping\n")
        s.recv(100)
        rtts.append((time.monotonic() - start) * 1000)
print(f"RTT through --rtt 100 --rate 100, 50 echoes: mean {statistics.mean(rtts):.2f} ms, "
      f"min {min(rtts):.2f} ms, max {max(rtts):.2f} ms")
EOF_PY
