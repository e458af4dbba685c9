#!/usr/bin/env bash
# SMTP benchmark (bench/README.md): smtp-source (Debian's postfix package) against `layer7 smtp serve`
# and against a private Postfix instance on loopback. Both are durable (fsync before the 250) and
# both deliver into a Maildir: layer7 straight from the session (local recipients), Postfix through
# cleanup → qmgr → virtual(8). A run counts until the last message is in the Maildir, not just
# until smtp-source is done, so Postfix's queue-then-deliver is measured to the same end point.
# Servers alternate A B A B … for ROUNDS rounds.
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 MESSAGES=2000 SESSIONS=20 SIZE=4096 WORKERS=2
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
MESSAGES="${MESSAGES:-2000}"
SESSIONS="${SESSIONS:-20}"
SIZE="${SIZE:-4096}"
WORKERS="${WORKERS:-2}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
for tool in smtp-source postfix; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh bench" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "postfix starts as root: run as root" >&2; exit 1; }

work="$(mktemp -d /tmp/layer7-bench-smtp.XXXXXX)"
chmod 755 "$work"
declare -A port pid maildir
cleanup() {
    if [ -n "${pid[layer7]:-}" ]; then
        kill "${pid[layer7]}" 2>/dev/null || true
        wait "${pid[layer7]}" 2>/dev/null || true
    fi
    [ -f "$work/postfix/etc/main.cf" ] && postfix -c "$work/postfix/etc" stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }


# ---------------------------------------------------------------- layer7
start_layer7() {
    port[layer7]="$(free_port)"
    mkdir -p "$work/l7"
    echo "secret" | "$layer7" user add user --users "$work/l7/users" >/dev/null
    "$layer7" --threads "$WORKERS" --log-level warn --data "$work/l7" smtp serve --domain bench.test \
        --listen "127.0.0.1:${port[layer7]}" --submission off --no-tls >"$work/layer7.out" 2>&1 &
    pid[layer7]=$!
    maildir[layer7]="$work/l7/mail/bench.test/user"
}

# ---------------------------------------------------------------- Postfix (a private instance)
start_postfix() {
    local root="$work/postfix" uid gid
    port[postfix]="$(free_port)"
    mkdir -p "$root/etc" "$root/queue" "$root/data" "$root/mail"
    uid="$(id -u postfix)"
    gid="$(id -g postfix)"
    chown postfix:postfix "$root/data" "$root/mail"
    {
        echo "compatibility_level = 3.6"
        echo "queue_directory = $root/queue"
        echo "data_directory = $root/data"
        echo "mail_owner = postfix"
        echo "setgid_group = postdrop"
        echo "myhostname = mx.bench.test"
        echo "mydestination ="
        echo "inet_interfaces = 127.0.0.1"
        echo "inet_protocols = ipv4"
        echo "mynetworks = 127.0.0.0/8"
        echo "maillog_file = $root/maillog"
        echo "maillog_file_prefixes = $root"
        echo "alias_maps ="
        echo "alias_database ="
        echo "smtputf8_enable = no"
        echo "smtpd_tls_security_level = none"
        echo "in_flow_delay = 0"
        echo "virtual_mailbox_domains = bench.test"
        echo "virtual_mailbox_base = $root/mail"
        echo "virtual_mailbox_maps = inline:{ user@bench.test=user/ }"
        echo "virtual_uid_maps = static:$uid"
        echo "virtual_gid_maps = static:$gid"
    } >"$root/etc/main.cf"
    # master.cf: our port instead of smtp, and no chroot (nothing is copied into the private queue).
    awk -v listen="127.0.0.1:${port[postfix]}" '
        /^smtp[ \t]+inet/ { $1 = listen }
        /^[a-z0-9.:]+[ \t]/ && NF >= 8 && $5 == "y" { $5 = "n" }
        { print }' /etc/postfix/master.cf >"$root/etc/master.cf"
    postfix -c "$root/etc" start >"$work/postfix.out" 2>&1 || { cat "$work/postfix.out" "$root/maillog" >&2; exit 1; }
    pid[postfix]="$(tr -d ' ' <"$root/queue/pid/master.pid")"
    maildir[postfix]="$root/mail/user"
}

count_mail() { { find "$1/new" "$1/cur" -type f 2>/dev/null || true; } | wc -l; }

# One run: MESSAGES messages over SESSIONS parallel sessions, timed until all are in the Maildir.
# Prints "messages/s cpu_us_per_message".
measure() {
    local server="$1" n="$2" before after start end want ticks hz deadline
    want=$(($(count_mail "${maildir[$server]}") + n))
    before="$(tree_ticks "${pid[$server]}")"
    start="$(date +%s.%N)"
    timeout 300 smtp-source -s "$SESSIONS" -m "$n" -l "$SIZE" -f sender@source.test -t user@bench.test \
        -M source.test "127.0.0.1:${port[$server]}" >&2
    deadline=$((SECONDS + 300))
    while [ "$(count_mail "${maildir[$server]}")" -lt "$want" ]; do
        [ "$SECONDS" -lt "$deadline" ] || { echo "$server: not all delivered" >&2; return 1; }
        sleep 0.02
    done
    end="$(date +%s.%N)"
    after="$(tree_ticks "${pid[$server]}")"
    hz="$(clock_ticks)"
    ticks=$((after - before))
    awk -v s="$start" -v e="$end" -v n="$n" -v t="$ticks" -v hz="$hz" \
        'BEGIN { printf "%.1f %.1f\n", n / (e - s), t / hz * 1e6 / n }'
}

servers=(layer7 postfix)
start_layer7
start_postfix
for s in "${servers[@]}"; do
    wait_port "${port[$s]}" || { cat "$work/$s.out" >&2; exit 1; }
done

echo "smtp-source -s $SESSIONS -m $MESSAGES -l $SIZE, $ROUNDS rounds; layer7 --threads $WORKERS; Postfix defaults"
echo "(both fsync before the 250 and deliver into a Maildir; a run ends when the last message is stored)"
for s in "${servers[@]}"; do  # warm-up
    measure "$s" 200 >/dev/null
done

declare -A rate cpu
for ((r = 1; r <= ROUNDS; r++)); do
    for s in "${servers[@]}"; do
        read -r m c < <(measure "$s" "$MESSAGES")
        rate[$s]+="$m "
        cpu[$s]+="$c "
        printf "round %d  %-8s %8s msg/s  %8s µs CPU/msg\n" "$r" "$s" "$m" "$c"
    done
done

echo
printf "%-8s %12s %18s\n" server "median msg/s" "median µs CPU/msg"
declare -A med medcpu
for s in "${servers[@]}"; do
    # shellcheck disable=SC2086
    med[$s]="$(median ${rate[$s]})"
    # shellcheck disable=SC2086
    medcpu[$s]="$(median ${cpu[$s]})"
    printf "%-8s %12s %18s\n" "$s" "${med[$s]}" "${medcpu[$s]}"
done
awk -v a="${med[layer7]}" -v b="${med[postfix]}" -v ca="${medcpu[layer7]}" -v cb="${medcpu[postfix]}" \
    'BEGIN { printf "ratio layer7/postfix: throughput %.2f, CPU per message %.2f (postfix/layer7)\n", a / b, cb / ca }'
