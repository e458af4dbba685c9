#!/usr/bin/env bash
# IMAP benchmark (bench/README.md): `layer7 imap serve` against a private Dovecot instance on
# loopback, each serving its own copy of the same 1,000-message Maildir (restored from one template
# before every run, then warmed by a read-only session so both have built their indexes).
#   single:     one session — LOGIN, SELECT, FETCH 1:* (FLAGS ENVELOPE), FETCH 1:* BODY[], SEARCH,
#               STORE, EXPUNGE, LOGOUT — wall time and server CPU, median of ROUNDS (A B A B …)
#   concurrent: CLIENTS sessions at once, each on its own mailbox of PER_CLIENT messages: sessions/s
#   idle:       memory per idle (logged-in, SELECTed) connection, IDLE_CONNS of them: RSS growth of
#               the server's processes divided by the connections
# The last line is the ratio layer7 / Dovecot of the single-session time.
#   LAYER7_BIN=path  ROUNDS=5 MESSAGES=1000 CLIENTS=50 PER_CLIENT=100 IDLE_CONNS=200 WORKERS=2
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

ROUNDS="${ROUNDS:-5}"
MESSAGES="${MESSAGES:-1000}"
CLIENTS="${CLIENTS:-50}"
PER_CLIENT="${PER_CLIENT:-100}"
IDLE_CONNS="${IDLE_CONNS:-200}"
WORKERS="${WORKERS:-2}"
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
[ -x /usr/sbin/dovecot ] && [ -x /usr/lib/dovecot/imap ] || { echo "dovecot-imapd missing: run tools/setup.sh bench" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "dovecot starts as root: run as root" >&2; exit 1; }
client="/usr/bin/python3 $here/imap_client.py"

work="$(mktemp -d /tmp/layer7-bench-imap.XXXXXX)"
chmod 755 "$work"
declare -A port pid root
cleanup() {
    for s in layer7 dovecot; do
        if [ -n "${pid[$s]:-}" ]; then
            kill "${pid[$s]}" 2>/dev/null || true
            wait "${pid[$s]}" 2>/dev/null || true
        fi
    done
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---------------------------------------------------------------- the mail
# template/bob: MESSAGES messages of about 4 KB; template/userN: PER_CLIENT each.
/usr/bin/python3 - "$work/template" "$MESSAGES" "$CLIENTS" "$PER_CLIENT" <<'PY'
import mailbox, os, random, sys
base, messages, clients, per_client = sys.argv[1], *map(int, sys.argv[2:])
random.seed(7)
os.makedirs(base, exist_ok=True)
words = "crepes ketchup pickles network layer socket packet router hamburger school".split()
def fill(user, n):
    box = mailbox.Maildir(os.path.join(base, user), create=True)
    for i in range(n):
        body = "\n".join(" ".join(random.choice(words) for _ in range(12)) for _ in range(50))
        box.add(f"From: Alice <alice@crepes.fr>\nTo: {user}@localhost\nSubject: message {i} {random.choice(words)}\n"
                f"Date: Tue, 1 Jul 2003 10:{i // 60 % 60:02d}:{i % 60:02d} +0200\nMessage-ID: <{i}.{user}@crepes.fr>\n\n{body}\n")
fill("bob", messages)
for c in range(clients):
    fill(f"user{c}", per_client)
PY
users=(bob)
for ((c = 0; c < CLIENTS; c++)); do users+=("user$c"); done
restore() {  # a fresh copy of the template for server $1, owned by the mail user Dovecot runs as
    rm -rf "${root[$1]}"
    mkdir -p "$(dirname "${root[$1]}")"
    cp -a "$work/template" "${root[$1]}"
    chown -R mail:mail "${root[$1]}"
}

# ---------------------------------------------------------------- layer7
port[layer7]="$(free_port)"
root[layer7]="$work/l7/mail/localhost"
mkdir -p "$work/l7"
for u in "${users[@]}"; do echo "secret" | "$layer7" user add "$u" --users "$work/l7/users" >/dev/null; done
restore layer7
$(server_pin) "$layer7" --threads "$WORKERS" --log-level warn --data "$work/l7" imap serve \
    --listen "127.0.0.1:${port[layer7]}" --domain localhost --no-tls --auth-failure-delay 0 >"$work/layer7.out" 2>&1 &
pid[layer7]=$!

# ---------------------------------------------------------------- Dovecot (a private instance)
port[dovecot]="$(free_port)"
root[dovecot]="$work/dovecot/mail"
mkdir -p "$work/dovecot"
# the same yescrypt hashes layer7 checks: a LOGIN costs both servers one crypt(3)
sed 's/:/:{CRYPT}/' "$work/l7/users" >"$work/dovecot/passwd"
mail_uid="$(id -u mail)"
mail_gid="$(id -g mail)"
cat >"$work/dovecot/dovecot.conf" <<CONF
base_dir = $work/dovecot/run
state_dir = $work/dovecot/state
log_path = $work/dovecot/log
instance_name = layer7-bench-${port[dovecot]}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:${root[dovecot]}/%u
mail_fsync = always
passdb {
  driver = passwd-file
  args = $work/dovecot/passwd
}
userdb {
  driver = static
  args = uid=$mail_uid gid=$mail_gid home=${root[dovecot]}/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port[dovecot]}
  }
  inet_listener imaps {
    port = 0
  }
  process_limit = 1000
}
service imap {
  process_limit = 1000
}
service anvil {
  chroot =
}
default_client_limit = 2000
protocol imap {
  mail_max_userip_connections = 10000
}
CONF
restore dovecot
$(server_pin) /usr/sbin/dovecot -F -c "$work/dovecot/dovecot.conf" >"$work/dovecot.out" 2>&1 &
pid[dovecot]=$!

for s in layer7 dovecot; do
    wait_port "${port[$s]}" || { cat "$work/$s.out" >&2; exit 1; }
done
echo "layer7 $("$layer7" --version 2>/dev/null | head -1) ($WORKERS worker threads); $(/usr/sbin/dovecot --version | head -1 | sed 's/^/Dovecot /'); $(pin_note)"

tree_rss_kb() {
    local total c
    total="$(awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0)"
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        total=$((total + $(tree_rss_kb "$c")))
    done
    echo "${total:-0}"
}

# ---------------------------------------------------------------- runs
declare -A times cpus rates
hz="$(clock_ticks)"
for ((r = 1; r <= ROUNDS; r++)); do
    for s in layer7 dovecot; do
        restore "$s"
        timeout 120 $(client_pin) $client warm 127.0.0.1 "${port[$s]}" bob secret
        before="$(tree_ticks "${pid[$s]}")"
        t="$(timeout 300 $(client_pin) $client session 127.0.0.1 "${port[$s]}" bob secret)"
        after="$(tree_ticks "${pid[$s]}")"
        times[$s]+="$t "
        cpus[$s]+="$(awk -v t=$((after - before)) -v hz="$hz" 'BEGIN { printf "%.3f", t / hz }') "
    done
done
for ((r = 1; r <= ROUNDS; r++)); do
    for s in layer7 dovecot; do
        restore "$s"
        for ((c = 0; c < CLIENTS; c++)); do timeout 60 $client warm 127.0.0.1 "${port[$s]}" "user$c" secret; done
        rates[$s]+="$(timeout 600 $(client_pin) $client concurrent 127.0.0.1 "${port[$s]}" user secret "$CLIENTS") "
    done
done
declare -A per_conn
for s in layer7 dovecot; do
    restore "$s"
    before="$(tree_rss_kb "${pid[$s]}")"
    coproc HOLD { timeout 300 $client idle 127.0.0.1 "${port[$s]}" bob secret "$IDLE_CONNS"; }
    read -r -t 300 ready <&"${HOLD[0]}"
    [ "$ready" = ready ] || { echo "$s: idle connections did not open" >&2; exit 1; }
    after="$(tree_rss_kb "${pid[$s]}")"
    exec {HOLD[1]}>&-
    wait "$HOLD_PID" || true
    per_conn[$s]="$(awk -v a="$after" -v b="$before" -v n="$IDLE_CONNS" 'BEGIN { printf "%.1f", (a - b) / n }')"
done

printf '\n%-8s %14s %16s %18s %18s\n' server "session s" "server CPU s" "sessions/s (x$CLIENTS)" "KB/idle conn"
for s in layer7 dovecot; do
    # shellcheck disable=SC2086
    printf '%-8s %14s %16s %18s %18s\n' "$s" "$(median ${times[$s]})" "$(median ${cpus[$s]})" "$(median ${rates[$s]})" "${per_conn[$s]}"
done
# shellcheck disable=SC2086
awk -v a="$(median ${times[layer7]})" -v b="$(median ${times[dovecot]})" \
    -v ca="$(median ${cpus[layer7]})" -v cb="$(median ${cpus[dovecot]})" \
    -v ra="$(median ${rates[layer7]})" -v rb="$(median ${rates[dovecot]})" \
    -v ma="${per_conn[layer7]}" -v mb="${per_conn[dovecot]}" \
    'BEGIN { printf "ratio layer7/dovecot: session time %.2f, server CPU %.2f, concurrent sessions/s %.2f, memory per idle connection %.2f\n", a / b, (cb > 0 ? ca / cb : 0), ra / rb, (mb > 0 ? ma / mb : 0) }'
