#!/usr/bin/env bash
# DNS authoritative benchmark: dnsperf against `layer7 dns serve`, NSD and Knot DNS on loopback, the
# same zone, the same number of workers (--threads N / server-count: N / udp-workers: N), logging
# off, rate limiting off. Two cases: dnsperf with CLIENTS sockets, and with one (its default: one
# source port, so SO_REUSEPORT's hash would hand every query to one socket — what a resolver
# forwarding to us looks like; layer7 spreads them by DNS id, see core/net/udp_spread.hpp). Servers alternate A B C A B C … for ROUNDS rounds (bench/README.md); dnsperf
# runs on CPU 0 and the servers on the others (PIN=0: no pinning). The last column is dnsperf's own
# CPU (see dnsperf_measure in lib.sh).
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 DURATION=10 CLIENTS=8 OUTSTANDING=200 PIN=1
#   WORKERS= workers per server; by default one per CPU the servers get (two on one CPU switch
#   between each other on every wake-up, which doubles the CPU per query)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
WORKERS="${WORKERS:-$(server_cpu_count)}"
CLIENTS="${CLIENTS:-8}"
OUTSTANDING="${OUTSTANDING:-200}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
for tool in dnsperf nsd knotd; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh bench" >&2; exit 1; }
done

bench_workspace dns
chmod 755 "$work"

# ---------------------------------------------------------------- the zone and the queries
zone="$work/bench.test.zone"
{
    echo '$ORIGIN bench.test.'
    echo '$TTL 3600'
    echo '@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300'
    echo '@ IN NS ns1'
    echo '@ IN NS ns2'
    echo '@ IN MX 10 mail'
    echo 'ns1 IN A 192.0.2.1'
    echo 'ns2 IN A 192.0.2.2'
    echo 'mail IN A 192.0.2.25'
    for i in $(seq 0 999); do
        echo "host$i IN A 10.$((i / 256)).$((i % 256)).1"
        echo "host$i IN AAAA 2001:db8::$i"
    done
    for i in $(seq 0 99); do echo "alias$i IN CNAME host$i"; done
    echo '*.wild IN A 192.0.2.99'
    echo 'sub IN NS ns.sub'
    echo 'ns.sub IN A 192.0.2.53'
} >"$zone"
# A realistic mix: mostly A, some AAAA, MX, CNAME, wildcard, referral and NXDOMAIN.
queries="$work/queries.txt"
for i in $(seq 0 999); do
    echo "host$i.bench.test A"
    [ $((i % 4)) -eq 0 ] && echo "host$i.bench.test AAAA"
    [ $((i % 10)) -eq 0 ] && echo "bench.test MX"
    [ $((i % 10)) -eq 1 ] && echo "alias$((i % 100)).bench.test A"
    [ $((i % 10)) -eq 2 ] && echo "x$i.wild.bench.test A"
    [ $((i % 10)) -eq 3 ] && echo "www.sub.bench.test A"
    [ $((i % 10)) -eq 4 ] && echo "missing$i.bench.test A"
done >"$queries"

# ---------------------------------------------------------------- the servers
declare -A port pid
start_layer7() {
    port[layer7]="$(free_port)"
    $(server_pin) "$layer7" --threads "$WORKERS" --log-level warn dns serve --zone "$zone" \
        --listen "127.0.0.1:${port[layer7]}" >"$work/layer7.out" 2>&1 &
    pid[layer7]=$!
    pids+=("$!")
}

start_nsd() {
    port[nsd]="$(free_port)"
    mkdir -p "$work/nsd"
    cat >"$work/nsd/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1
    port: ${port[nsd]}
    server-count: $WORKERS
    reuseport: yes
    username: ""
    chroot: ""
    zonesdir: "$work"
    pidfile: "$work/nsd/nsd.pid"
    database: ""
    xfrdfile: "$work/nsd/xfrd.state"
    zonelistfile: "$work/nsd/zone.list"
    logfile: "$work/nsd/nsd.log"
    verbosity: 0
    hide-version: yes
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: bench.test
    zonefile: "$zone"
CONF
    $(server_pin) nsd -d -c "$work/nsd/nsd.conf" >"$work/nsd.out" 2>&1 &
    pid[nsd]=$!
    pids+=("$!")
}

# Knot answers UDP with udp-workers threads on SO_REUSEPORT sockets, as we do; no journal, and the
# zone file is never written back.
start_knot() {
    port[knot]="$(free_port)"
    mkdir -p "$work/knot"
    cat >"$work/knot/knot.conf" <<CONF
server:
    listen: 127.0.0.1@${port[knot]}
    rundir: "$work/knot"
    udp-workers: $WORKERS
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$work/knot"
log:
  - target: stderr
    any: error
zone:
  - domain: bench.test
    file: "$zone"
    journal-content: none
    zonefile-sync: -1
CONF
    $(server_pin) knotd -c "$work/knot/knot.conf" >"$work/knot.out" 2>&1 &
    pid[knot]=$!
    pids+=("$!")
}

# CPU ticks of a server: its process (all threads) and all its descendants (NSD's server and
# xfrd processes; NSD re-forks its servers on reload).
server_ticks() {
    local total c
    total="$(cpu_ticks "$1" 2>/dev/null || echo 0)"
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        total=$((total + $(server_ticks "$c")))
    done
    echo "$total"
}

# Waits until the server answers a query over UDP.
wait_dns() {
    local end=$((SECONDS + 10))
    until dig +time=1 +tries=1 @127.0.0.1 -p "$1" host1.bench.test A 2>/dev/null | grep -q 'status: NOERROR'; do
        [ "$SECONDS" -lt "$end" ] || { echo "port $1 does not answer" >&2; return 1; }
        sleep 0.1
    done
}

servers=(layer7 nsd knot)
start_layer7
start_nsd
start_knot
for s in "${servers[@]}"; do
    wait_dns "${port[$s]}" || { cat "$work/$s.out" "$work/nsd/nsd.log" 2>/dev/null >&2; exit 1; }
done
# Knot pins UDP worker i to CPU i mod (online CPUs) itself (it has no setting against it), which
# put its one worker on CPU 0 beside dnsperf: no cross-CPU wake-ups or cache-line transfers there,
# about 1.5 µs per query less than on the servers' CPU. Its threads go back where the others run.
if pin_on; then
    taskset -a -p -c "$(server_cpus)" "${pid[knot]}" >/dev/null
fi
# Same answers from all three before measuring anything.
for qq in "host7.bench.test A" "alias3.bench.test A" "x.wild.bench.test A" "www.sub.bench.test A" "nope.bench.test A"; do
    # shellcheck disable=SC2086
    a="$(dig +short +norec @127.0.0.1 -p "${port[layer7]}" $qq | sort)"
    for peer in nsd knot; do
        # shellcheck disable=SC2086
        b="$(dig +short +norec @127.0.0.1 -p "${port[$peer]}" $qq | sort)"
        [ "$a" = "$b" ] || { echo "answers differ for $qq: layer7 '$a', $peer '$b'" >&2; exit 1; }
    done
done

# One case, dnsperf with $1 sockets: ROUNDS alternating rounds, a table, and the ratio against the
# faster peer.
run_case() {
    local clients="$1" i s a b d e f peer best_peer="" best_qps=0
    local -A q=() l=() c=() x=() y=() qps_of=() cpu_of=()
    echo "dnsperf -c $clients -q $OUTSTANDING -l $DURATION, $WORKERS workers per server, $ROUNDS rounds (alternating)"
    printf '%-8s %12s %14s %14s %8s %12s\n' server "qps(med)" "avg lat ms" "CPU us/query" lost "dnsperf CPU"
    for ((i = 0; i < ROUNDS; i++)); do
        for s in "${servers[@]}"; do
            read -r a b d e f <<<"$(dnsperf_measure "${pid[$s]}" "${port[$s]}" "$clients" "$queries" pinned)"
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
    for peer in nsd knot; do
        if awk -v a="${qps_of[$peer]}" -v b="$best_qps" 'BEGIN { exit !(a > b) }'; then
            best_peer="$peer"
            best_qps="${qps_of[$peer]}"
        fi
    done
    awk -v p="$best_peer" -v l="${qps_of[layer7]}" -v n="$best_qps" -v lc="${cpu_of[layer7]}" \
        -v nc="${cpu_of[$best_peer]}" \
        'BEGIN { printf "ratio layer7 / %s (the faster peer): qps %.2f   CPU per query (%s / layer7) %.2f\n\n",
                 p, l / n, p, (lc > 0 ? nc / lc : 0) }'
}

for s in "${servers[@]}"; do  # warm-up
    $(client_pin) dnsperf -s 127.0.0.1 -p "${port[$s]}" -d "$queries" -l 1 >/dev/null 2>&1
done

echo "DNS authoritative; $(pin_note)"
echo
echo "many client sockets:"
run_case "$CLIENTS"
echo "one client socket (dnsperf's default):"
run_case 1
