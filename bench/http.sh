#!/usr/bin/env bash
# HTTP/1.1 origin server benchmark: wrk against layer7, nginx and h2o on loopback (bench/README.md).
# Same files, 2 workers each, access logs off, keep-alive on. Scenarios: 1 KiB keep-alive, 100 KiB
# keep-alive, 1 KiB with `Connection: close`. Servers alternate A B C A B C … for ROUNDS rounds.
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 DURATION=5s CONNECTIONS=50 PIN=1 (CPU placement: see lib.sh)
#   WORKERS= workers per server; by default one per CPU the servers get (two on one CPU switch
#   between each other on every wake-up)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5s}"
CONNECTIONS="${CONNECTIONS:-50}"
WORKERS="${WORKERS:-$(server_cpu_count)}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
for tool in wrk nginx h2o; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh bench" >&2; exit 1; }
done

work="$(mktemp -d /tmp/layer7-bench-http.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------- the files
docs="$work/docs"
mkdir -p "$docs"
head -c 1024 /dev/urandom >"$docs/1k.bin"
head -c 102400 /dev/urandom >"$docs/100k.bin"
chmod -R a+rX "$docs"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- the servers
declare -A port pid
start_layer7() {
    port[layer7]="$(free_port)"
    $(server_pin) "$layer7" --threads "$WORKERS" --log-level warn --data "$work/l7data" http serve --root "$docs" \
        --listen "127.0.0.1:${port[layer7]}" >"$work/layer7.out" 2>&1 &
    pid[layer7]=$!
    pids+=("$!")
}

start_nginx() {
    port[nginx]="$(free_port)"
    mkdir -p "$work/nginx"
    cat >"$work/nginx/nginx.conf" <<EOF
worker_processes $WORKERS;
daemon off;
master_process on;
user root;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    tcp_nodelay on;
    keepalive_timeout 75s;
    keepalive_requests 1000;
    open_file_cache max=1000 inactive=60s;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:${port[nginx]};
        root $docs;
    }
}
EOF
    $(server_pin) nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" >"$work/nginx.out" 2>&1 &
    pid[nginx]=$!
    pids+=("$!")
}

start_h2o() {
    port[h2o]="$(free_port)"
    cat >"$work/h2o.conf" <<EOF
num-threads: $WORKERS
user: root
pid-file: $work/h2o.pid
error-log: $work/h2o.err
listen:
  host: 127.0.0.1
  port: ${port[h2o]}
hosts:
  default:
    paths:
      /:
        file.dir: $docs
EOF
    $(server_pin) h2o -m master -c "$work/h2o.conf" >"$work/h2o.out" 2>&1 &
    pid[h2o]=$!
    pids+=("$!")
}

# CPU ticks of a server: its process (all threads) plus its direct children (nginx's workers).
server_ticks() {
    local total c
    total="$(cpu_ticks "$1")"
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        total=$((total + $(cpu_ticks "$c" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

servers=(layer7 nginx h2o)
start_layer7
start_nginx
start_h2o
for s in "${servers[@]}"; do
    wait_port "${port[$s]}" || { cat "$work/$s.out" >&2; exit 1; }
    curl -fsS -o /dev/null "http://127.0.0.1:${port[$s]}/1k.bin" || { echo "$s does not serve" >&2; exit 1; }
done

# p99 from wrk --latency, in ms
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.3f\n", v }'; }

# One bounded wrk run: prints "req/s p99ms cpu_us_per_req".
measure() {
    local server="$1" path="$2" mode="$3" before after out requests rps p99 ticks hz
    local args=(-t1 -c"$CONNECTIONS" -d"$DURATION" --latency)
    [ "$mode" = close ] && args+=(-H "Connection: close")
    before="$(server_ticks "${pid[$server]}")"
    out="$($(client_pin) wrk "${args[@]}" "http://127.0.0.1:${port[$server]}$path")"
    after="$(server_ticks "${pid[$server]}")"
    requests="$(awk '/requests in/ { print $1 }' <<<"$out")"
    rps="$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")"
    p99="$(awk '$1 == "99%" { print $2 }' <<<"$out" | to_ms)"
    hz="$(clock_ticks)"
    ticks=$((after - before))
    awk -v r="$rps" -v p="$p99" -v t="$ticks" -v hz="$hz" -v n="$requests" \
        'BEGIN { printf "%s %s %.2f\n", r, p, (n > 0 ? t / hz * 1e6 / n : 0) }'
}

scenarios=("1k-keepalive|/1k.bin|keep" "100k-keepalive|/100k.bin|keep" "1k-close|/1k.bin|close")

# warm-up: fill file caches, fault in code
for s in "${servers[@]}"; do
    $(client_pin) wrk -t1 -c10 -d1s "http://127.0.0.1:${port[$s]}/1k.bin" >/dev/null
done

echo "wrk -t1 -c$CONNECTIONS -d$DURATION, $WORKERS workers per server, $ROUNDS rounds (A B C alternating), $(pin_note)"
printf '%-16s %-7s %12s %10s %14s\n' scenario server "req/s(med)" "p99 ms" "CPU us/req"
declare -A rps_of cpu_of
for sc in "${scenarios[@]}"; do
    IFS='|' read -r name path mode <<<"$sc"
    declare -A r=() p=() c=()
    for ((i = 0; i < ROUNDS; i++)); do
        for s in "${servers[@]}"; do
            read -r a b d <<<"$(measure "$s" "$path" "$mode")"
            r[$s]+="$a "
            p[$s]+="$b "
            c[$s]+="$d "
        done
    done
    for s in "${servers[@]}"; do
        # shellcheck disable=SC2086
        rps_of[$name.$s]="$(median ${r[$s]})"
        # shellcheck disable=SC2086
        cpu_of[$name.$s]="$(median ${c[$s]})"
        # shellcheck disable=SC2086
        printf '%-16s %-7s %12.0f %10.2f %14.2f\n' "$name" "$s" "${rps_of[$name.$s]}" "$(median ${p[$s]})" \
            "${cpu_of[$name.$s]}"
    done
    unset r p c
done

echo
echo "ratio layer7 / faster peer (req/s; > 1 means layer7 is faster) and peer CPU / layer7 CPU per request:"
for sc in "${scenarios[@]}"; do
    name="${sc%%|*}"
    best=nginx
    awk -v a="${rps_of[$name.h2o]}" -v b="${rps_of[$name.nginx]}" 'BEGIN { exit !(a > b) }' && best=h2o
    awk -v n="$name" -v l="${rps_of[$name.layer7]}" -v b="${rps_of[$name.$best]}" -v peer="$best" \
        -v lc="${cpu_of[$name.layer7]}" -v pc="${cpu_of[$name.$best]}" \
        'BEGIN { printf "%-16s vs %-6s req/s %.2f   CPU %.2f\n", n, peer, l / b, (lc > 0 ? pc / lc : 0) }'
done
