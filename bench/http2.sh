#!/usr/bin/env bash
# HTTP/2 origin server benchmark: h2load against layer7, h2o and nginx on loopback (bench/README.md).
# Same files, same worker count, logs off. Scenarios: 1 KiB over h2c (prior knowledge), 1 KiB over
# h2 with TLS (ALPN), 100 KiB over h2c; each `h2load -c32 -m10` for DURATION. Servers alternate
# A B C A B C … for ROUNDS rounds. Prints req/s, CPU per request and the ratio to the faster peer.
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 DURATION=5 CLIENTS=32 STREAMS=10 PIN=1 (CPU placement: see lib.sh)
#   WORKERS= workers per server; by default one per CPU the servers get (two on one CPU switch
#   between each other on every wake-up)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-5}"
CLIENTS="${CLIENTS:-32}"
STREAMS="${STREAMS:-10}"
WORKERS="${WORKERS:-$(server_cpu_count)}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
for tool in h2load nginx h2o; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh bench" >&2; exit 1; }
done

work="$(mktemp -d /tmp/layer7-bench-http2.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

docs="$work/docs"
mkdir -p "$docs"
head -c 1024 /dev/urandom >"$docs/1k.bin"
head -c 102400 /dev/urandom >"$docs/100k.bin"
chmod -R a+rX "$docs"
# One certificate for all three (P-256, as layer7's development certificate).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

declare -A port tls_port pid
start_layer7() {
    port[layer7]="$(free_port)"
    tls_port[layer7]="$(free_port)"
    cat >"$work/layer7.toml" <<EOF
[runtime]
threads = $WORKERS
data = "$work/l7data"
log_level = "warn"
[echo]
enabled = false
[http]
listen = "127.0.0.1:${port[layer7]}"
tls_listen = "127.0.0.1:${tls_port[layer7]}"
tls_cert = "$work/cert.pem"
tls_key = "$work/key.pem"
root = "$docs"
builtins = false
EOF
    $(server_pin) "$layer7" up --config "$work/layer7.toml" >"$work/layer7.out" 2>&1 &
    pid[layer7]=$!
    pids+=("$!")
}

start_nginx() {
    port[nginx]="$(free_port)"
    tls_port[nginx]="$(free_port)"
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
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_requests 100000;
    http2_max_requests 100000;
    open_file_cache max=1000 inactive=60s;
    client_body_temp_path $work/nginx/body;
    proxy_temp_path $work/nginx/proxy;
    fastcgi_temp_path $work/nginx/fastcgi;
    uwsgi_temp_path $work/nginx/uwsgi;
    scgi_temp_path $work/nginx/scgi;
    server {
        listen 127.0.0.1:${port[nginx]} http2;
        listen 127.0.0.1:${tls_port[nginx]} ssl http2;
        ssl_certificate $work/cert.pem;
        ssl_certificate_key $work/key.pem;
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
    tls_port[h2o]="$(free_port)"
    cat >"$work/h2o.conf" <<EOF
num-threads: $WORKERS
user: root
pid-file: $work/h2o.pid
error-log: $work/h2o.err
listen:
  host: 127.0.0.1
  port: ${port[h2o]}
listen:
  host: 127.0.0.1
  port: ${tls_port[h2o]}
  ssl:
    certificate-file: $work/cert.pem
    key-file: $work/key.pem
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

server_ticks() {
    local total c
    total="$(cpu_ticks "$1")"
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        total=$((total + $(cpu_ticks "$c" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

servers=(layer7 h2o nginx)
start_layer7
start_nginx
start_h2o
for s in "${servers[@]}"; do
    wait_port "${port[$s]}" || { cat "$work/$s.out" >&2; exit 1; }
    wait_port "${tls_port[$s]}" || { cat "$work/$s.out" >&2; exit 1; }
    curl -fsS --http2-prior-knowledge -o /dev/null "http://127.0.0.1:${port[$s]}/1k.bin" ||
        { echo "$s does not serve h2c" >&2; exit 1; }
    curl -fsSk --http2 -o /dev/null "https://127.0.0.1:${tls_port[$s]}/1k.bin" ||
        { echo "$s does not serve h2" >&2; exit 1; }
done

url_of() {  # server, scheme, path
    if [ "$2" = https ]; then echo "https://127.0.0.1:${tls_port[$1]}$3"; else echo "http://127.0.0.1:${port[$1]}$3"; fi
}

# One bounded h2load run: prints "req/s cpu_us_per_req".
measure() {
    local server="$1" scheme="$2" path="$3" before after out requests rps ticks hz
    before="$(server_ticks "${pid[$server]}")"
    out="$($(client_pin) h2load -t1 -c"$CLIENTS" -m"$STREAMS" -D "$DURATION" "$(url_of "$server" "$scheme" "$path")")"
    after="$(server_ticks "${pid[$server]}")"
    grep -q ' 0 failed, 0 errored' <<<"$out" || { echo "$server: h2load reports failures" >&2; echo "$out" >&2; }
    requests="$(awk '/^requests:/ { print $8 }' <<<"$out")"
    rps="$(awk '/^finished in/ { print $4 }' <<<"$out")"
    hz="$(clock_ticks)"
    ticks=$((after - before))
    awk -v r="$rps" -v t="$ticks" -v hz="$hz" -v n="$requests" \
        'BEGIN { printf "%s %.2f\n", r, (n > 0 ? t / hz * 1e6 / n : 0) }'
}

scenarios=("1k-h2c|http|/1k.bin" "1k-h2-tls|https|/1k.bin" "100k-h2c|http|/100k.bin")

for s in "${servers[@]}"; do  # warm-up
    $(client_pin) h2load -t1 -c10 -m10 -n 5000 "$(url_of "$s" http /1k.bin)" >/dev/null
done

echo "h2load -t1 -c$CLIENTS -m$STREAMS -D $DURATION, $WORKERS workers per server, $ROUNDS rounds (alternating), $(pin_note)"
printf '%-12s %-7s %12s %14s\n' scenario server "req/s(med)" "CPU us/req"
declare -A rps_of cpu_of
for sc in "${scenarios[@]}"; do
    IFS='|' read -r name scheme path <<<"$sc"
    declare -A r=() c=()
    for ((i = 0; i < ROUNDS; i++)); do
        for s in "${servers[@]}"; do
            read -r a d <<<"$(measure "$s" "$scheme" "$path")"
            r[$s]+="$a "
            c[$s]+="$d "
        done
    done
    for s in "${servers[@]}"; do
        # shellcheck disable=SC2086
        rps_of[$name.$s]="$(median ${r[$s]})"
        # shellcheck disable=SC2086
        cpu_of[$name.$s]="$(median ${c[$s]})"
        printf '%-12s %-7s %12.0f %14.2f\n' "$name" "$s" "${rps_of[$name.$s]}" "${cpu_of[$name.$s]}"
    done
    unset r c
done

echo
echo "ratio layer7 / faster peer (req/s; > 1 means layer7 is faster) and peer CPU / layer7 CPU per request:"
for sc in "${scenarios[@]}"; do
    name="${sc%%|*}"
    best=nginx
    awk -v a="${rps_of[$name.h2o]}" -v b="${rps_of[$name.nginx]}" 'BEGIN { exit !(a > b) }' && best=h2o
    awk -v n="$name" -v l="${rps_of[$name.layer7]}" -v b="${rps_of[$name.$best]}" -v peer="$best" \
        -v lc="${cpu_of[$name.layer7]}" -v pc="${cpu_of[$name.$best]}" \
        'BEGIN { printf "%-12s vs %-6s req/s %.2f   CPU %.2f\n", n, peer, l / b, (lc > 0 ? pc / lc : 0) }'
done
