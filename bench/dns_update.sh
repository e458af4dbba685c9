#!/usr/bin/env bash
# DNS UPDATE benchmark (RFC 2136 + TSIG): updates per second through nsupdate, each one durable
# (in the journal) before its NOERROR, `layer7 dns serve` against BIND named as the primary of the
# same zone, with the same TSIG key and the same number of worker threads (--threads N / named -n N),
# logging off. CLIENTS nsupdate processes run at once, each sending PER_CLIENT one-record updates
# (`update add` + `send`, one after the other: nsupdate waits for each answer). Each run starts the
# server on a fresh copy of the zone; servers alternate A B A B … for ROUNDS rounds (bench/README.md).
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 WORKERS=2 CLIENTS=4 PER_CLIENT=250
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
WORKERS="${WORKERS:-2}"
CLIENTS="${CLIENTS:-4}"
PER_CLIENT="${PER_CLIENT:-250}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
named="$(command -v named || echo /usr/sbin/named)"
for tool in nsupdate dig "$named"; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh bench" >&2; exit 1; }
done

bench_workspace dns-update
chmod 755 "$work"
updates=$((CLIENTS * PER_CLIENT))

# ---------------------------------------------------------------- the zone, the key, the updates
zone="$work/example.test.zone"
{
    echo '$ORIGIN example.test.'
    echo '$TTL 300'
    echo '@ IN SOA ns1 hostmaster 1 3600 600 86400 300'
    echo '@ IN NS ns1'
    echo 'ns1 IN A 192.0.2.1'
    for i in $(seq 0 99); do echo "static$i IN A 192.0.2.$((i + 100))"; done
} >"$zone"
secret="$(head -c 32 /dev/urandom | base64)"
key="hmac-sha256:bench-key:$secret"
# One nsupdate script per client: PER_CLIENT updates of one new A record each.
for c in $(seq 1 "$CLIENTS"); do
    {
        echo "zone example.test."
        for i in $(seq 1 "$PER_CLIENT"); do
            echo "update add c$c-h$i.example.test. 300 A 10.$c.$((i / 256)).$((i % 256))"
            echo "send"
        done
    } >"$work/updates.$c"
done

# ---------------------------------------------------------------- the servers (one per run)
server_pid=""
server_port=""
start_layer7() {
    local d="$work/run"
    rm -rf "$d" && mkdir -p "$d" && cp "$zone" "$d/example.test.zone"
    server_port="$(free_port)"
    $(server_pin) "$layer7" --threads "$WORKERS" --log-level warn --data "$d/data" dns serve \
        --listen "127.0.0.1:$server_port" --zone "example.test.=$d/example.test.zone" \
        --key "bench-key:$secret" --allow-update "example.test.=bench-key" >"$work/layer7.out" 2>&1 &
    server_pid=$!
    pids+=("$!")
}

start_named() {
    local d="$work/run"
    rm -rf "$d" && mkdir -p "$d" && cp "$zone" "$d/example.test.zone"
    server_port="$(free_port)"
    cat >"$d/named.conf" <<EOF
key "bench-key" { algorithm hmac-sha256; secret "$secret"; };
options {
    directory "$d";
    pid-file "$d/named.pid";
    session-keyfile "$d/session.key";
    managed-keys-directory "$d";
    listen-on port $server_port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify no;
};
controls { };
logging { category default { null; }; category update { null; }; category update-security { null; }; };
zone "example.test." {
    type primary;
    file "$d/example.test.zone";
    journal "$d/example.test.zone.jnl";
    allow-update { key bench-key; };
};
EOF
    # -f: foreground with the logging above (-g would log everything to stderr).
    $(server_pin) "$named" -f -n "$WORKERS" -c "$d/named.conf" >"$work/named.out" 2>&1 &
    server_pid=$!
    pids+=("$!")
}

stop_server() {
    kill "$server_pid" 2>/dev/null || true
    local end=$((SECONDS + 10))
    while kill -0 "$server_pid" 2>/dev/null && [ "$SECONDS" -lt "$end" ]; do sleep 0.05; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}

# The zone's SOA serial on the running server (empty when it does not answer).
soa_serial() {
    { dig +time=1 +tries=1 +short @127.0.0.1 -p "$server_port" example.test SOA 2>/dev/null || true; } |
        awk '$3 ~ /^[0-9]+$/ { print $3 }'
}

# Waits up to 15 s until the server answers for the zone.
wait_zone() {
    local end=$((SECONDS + 15))
    until [ -n "$(soa_serial)" ]; do
        [ "$SECONDS" -lt "$end" ] || { echo "$1 does not answer on port $server_port" >&2; cat "$work/$1.out" >&2; return 1; }
        sleep 0.05
    done
}

# One run on a fresh server: writes "updates/s cpu_us_per_update" to $work/result.
measure() {
    local server="$1" before after start end failed=0 c s hz
    "start_$server"
    wait_zone "$server"
    before="$(tree_ticks "$server_pid")"
    start="$(date +%s.%N)"
    local clients=()
    for c in $(seq 1 "$CLIENTS"); do
        { echo "server 127.0.0.1 $server_port"; cat "$work/updates.$c"; } |
            $(client_pin) timeout 300 nsupdate -y "$key" -t 10 >"$work/nsupdate.$c" 2>&1 &
        clients+=("$!")
    done
    for c in "${clients[@]}"; do wait "$c" || failed=1; done
    end="$(date +%s.%N)"
    after="$(tree_ticks "$server_pid")"
    s="$(soa_serial)"
    stop_server
    if [ "$failed" = 1 ] || [ "$s" != $((1 + updates)) ]; then
        echo "$server: nsupdate failed or serial $s is not $((1 + updates)):" >&2
        cat "$work"/nsupdate.* "$work/$server.out" | tail -20 >&2
        exit 1
    fi
    hz="$(clock_ticks)"
    awk -v n="$updates" -v t=$((after - before)) -v hz="$hz" -v a="$start" -v b="$end" \
        'BEGIN { printf "%.1f %.1f\n", n / (b - a), t / hz * 1e6 / n }' >"$work/result"
}

servers=(layer7 named)
echo "dns update: $CLIENTS nsupdate clients x $PER_CLIENT updates (TSIG hmac-sha256, one A record each)," \
    "$WORKERS workers per server, $ROUNDS rounds (A B alternating); $(pin_note)"
declare -A rate=() cpu=() rate_of cpu_of
for ((i = 0; i < ROUNDS; i++)); do
    for s in "${servers[@]}"; do
        measure "$s"
        read -r a b <"$work/result"
        rate[$s]+="$a "
        cpu[$s]+="$b "
    done
done
printf '%-8s %14s %20s   %s\n' server "updates/s(med)" "CPU us/update(med)" "runs (updates/s)"
for s in "${servers[@]}"; do
    # shellcheck disable=SC2086
    rate_of[$s]="$(median ${rate[$s]})"
    # shellcheck disable=SC2086
    cpu_of[$s]="$(median ${cpu[$s]})"
    printf '%-8s %14.0f %20.1f   %s\n' "$s" "${rate_of[$s]}" "${cpu_of[$s]}" "${rate[$s]}"
done
echo
awk -v l="${rate_of[layer7]}" -v n="${rate_of[named]}" -v lc="${cpu_of[layer7]}" -v nc="${cpu_of[named]}" \
    'BEGIN { printf "ratio layer7 / named: updates/s %.2f   CPU per update (named / layer7) %.2f\n", l / n, (lc > 0 ? nc / lc : 0) }'
