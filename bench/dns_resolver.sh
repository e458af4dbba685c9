#!/usr/bin/env bash
# DNS resolver benchmark: dnsperf against `layer7 dns resolve` and Unbound answering from cache.
# One authoritative (`layer7 dns serve`) holds bench.test; both resolvers reach it as a stub zone
# and are warmed with every query first, so the runs measure cache answers only. Same number of
# workers (--threads N / num-threads: N), logging off. A B A B … for ROUNDS rounds (bench/README.md).
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 DURATION=10 WORKERS=2 CLIENTS=8 OUTSTANDING=200
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
WORKERS="${WORKERS:-2}"
CLIENTS="${CLIENTS:-8}"
OUTSTANDING="${OUTSTANDING:-200}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
for tool in dnsperf unbound dig; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh bench" >&2; exit 1; }
done

work="$(mktemp -d /tmp/layer7-bench-resolver.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# ---------------------------------------------------------------- the zone and the queries
zone="$work/bench.test.zone"
{
    echo '$ORIGIN bench.test.'
    echo '$TTL 86400'
    echo '@ IN SOA ns1 hostmaster 1 7200 3600 1209600 3600'
    echo '@ IN NS ns1'
    echo '@ IN MX 10 mail'
    echo 'ns1 IN A 127.0.0.1'
    echo 'mail IN A 192.0.2.25'
    for i in $(seq 0 999); do
        echo "host$i IN A 10.$((i / 256)).$((i % 256)).1"
        echo "host$i IN AAAA 2001:db8::$i"
    done
    for i in $(seq 0 99); do echo "alias$i IN CNAME host$i"; done
} >"$zone"
# Mostly A, some AAAA, MX, CNAME and NXDOMAIN (negative cache).
queries="$work/queries.txt"
for i in $(seq 0 999); do
    echo "host$i.bench.test A"
    [ $((i % 4)) -eq 0 ] && echo "host$i.bench.test AAAA"
    [ $((i % 10)) -eq 0 ] && echo "bench.test MX"
    [ $((i % 10)) -eq 1 ] && echo "alias$((i % 100)).bench.test A"
    [ $((i % 10)) -eq 4 ] && echo "missing$((i % 100)).bench.test A"
done >"$queries"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- the servers
declare -A port pid
auth_port="$(free_port)"
"$layer7" --threads 1 --log-level warn dns serve --zone "$zone" --listen "127.0.0.1:$auth_port" \
    >"$work/auth.out" 2>&1 &
pids+=("$!")

start_layer7() {
    port[layer7]="$(free_port)"
    "$layer7" --threads "$WORKERS" --log-level warn dns resolve --listen "127.0.0.1:${port[layer7]}" \
        --root-hints /nonexistent --stub "bench.test=127.0.0.1:$auth_port" >"$work/layer7.out" 2>&1 &
    pid[layer7]=$!
    pids+=("$!")
}

start_unbound() {
    port[unbound]="$(free_port)"
    cat >"$work/unbound.conf" <<EOF
server:
    interface: 127.0.0.1@${port[unbound]}
    port: ${port[unbound]}
    num-threads: $WORKERS
    so-reuseport: yes
    do-ip6: no
    username: ""
    chroot: ""
    directory: "$work"
    pidfile: ""
    use-syslog: no
    logfile: ""
    verbosity: 0
    do-not-query-localhost: no
    access-control: 127.0.0.0/8 allow
    module-config: "iterator"
    qname-minimisation: no
    minimal-responses: yes
    prefetch: no
    local-zone: "test." nodefault   # RFC 6761: Unbound answers test. itself by default
    msg-cache-size: 64m
    rrset-cache-size: 128m
    outgoing-range: 1024
    num-queries-per-thread: 1024
stub-zone:
    name: "bench.test"
    stub-addr: 127.0.0.1@$auth_port
remote-control:
    control-enable: no
EOF
    unbound -d -c "$work/unbound.conf" >"$work/unbound.out" 2>&1 &
    pid[unbound]=$!
    pids+=("$!")
}

server_ticks() { cpu_ticks "$1"; }

wait_dns() {
    local end=$((SECONDS + 10))
    until dig +time=1 +tries=1 @127.0.0.1 -p "$1" host1.bench.test A 2>/dev/null | grep -q 'status: NOERROR'; do
        [ "$SECONDS" -lt "$end" ] || { echo "port $1 does not answer" >&2; return 1; }
        sleep 0.1
    done
}

servers=(layer7 unbound)
wait_dns "$auth_port" || { cat "$work/auth.out" >&2; exit 1; }
start_layer7
start_unbound
for s in "${servers[@]}"; do
    wait_dns "${port[$s]}" || { cat "$work/$s.out" >&2; exit 1; }
done
# Warm both caches with every query, then check they give the same answers.
for s in "${servers[@]}"; do
    dnsperf -s 127.0.0.1 -p "${port[$s]}" -d "$queries" -n 1 -c 1 -q 20 >/dev/null 2>&1
done
for qq in "host7.bench.test A" "host8.bench.test AAAA" "alias3.bench.test A" "bench.test MX" "missing4.bench.test A"; do
    # shellcheck disable=SC2086
    a="$(dig +short @127.0.0.1 -p "${port[layer7]}" $qq | sort)"
    # shellcheck disable=SC2086
    b="$(dig +short @127.0.0.1 -p "${port[unbound]}" $qq | sort)"
    [ "$a" = "$b" ] || { echo "answers differ for $qq: '$a' vs '$b'" >&2; exit 1; }
done
auth_before="$(grep -c . "$work/auth.out" || true)"

echo "resolver (from cache): dnsperf -c $CLIENTS -q $OUTSTANDING -l $DURATION, $WORKERS workers per server, $ROUNDS rounds (A B alternating)"
printf '%-8s %12s %14s %14s %8s %12s\n' server "qps(med)" "avg lat ms" "CPU us/query" lost "dnsperf CPU"
declare -A q=() l=() c=() x=() y=() qps_of cpu_of
for ((i = 0; i < ROUNDS; i++)); do
    for s in "${servers[@]}"; do
        read -r a b d e f <<<"$(dnsperf_measure "${pid[$s]}" "${port[$s]}" "$CLIENTS" "$queries")"
        q[$s]+="$a "
        l[$s]+="$b "
        c[$s]+="$d "
        x[$s]+="$e "
        y[$s]+="$f "
    done
done
for s in "${servers[@]}"; do
    # shellcheck disable=SC2086
    qps_of[$s]="$(median ${q[$s]})"
    # shellcheck disable=SC2086
    cpu_of[$s]="$(median ${c[$s]})"
    # shellcheck disable=SC2086
    printf '%-8s %12.0f %14.3f %14.2f %8s %11s%%\n' "$s" "${qps_of[$s]}" "$(median ${l[$s]})" "${cpu_of[$s]}" \
        "$(median ${x[$s]})" "$(median ${y[$s]})"
done
echo
awk -v l="${qps_of[layer7]}" -v n="${qps_of[unbound]}" -v lc="${cpu_of[layer7]}" -v nc="${cpu_of[unbound]}" \
    'BEGIN { printf "ratio layer7 / unbound: qps %.2f   CPU per query (unbound / layer7) %.2f\n", l / n, (lc > 0 ? nc / lc : 0) }'
