#!/usr/bin/env bash
# Memory per idle connection: N connections held open against layer7 and nginx (HTTP/1.1 keep-alive
# after one GET of a 1 KiB file, and without any request; the same over TLS on one certificate;
# HTTP/2 over TLS after one GET), against npm ws (WebSocket, after one echo), and against layer7's SMTP and POP3 beside Postfix and Dovecot (after the greeting). For each, the
# growth of the server's RSS and PSS (its process tree: nginx's workers, Dovecot's and Postfix's
# children) divided by N, in bytes. bench/README.md has the method.
#   LAYER7_BIN=path  N=10000  MAIL_N=500 (SMTP and POP3)  WORKERS=2  MAIL=1 (0: HTTP only)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$here/lib.sh"

N="${N:-10000}"
WORKERS="${WORKERS:-2}"
MAIL="${MAIL:-1}"
MAIL_N="${MAIL_N:-500}"  # Postfix forks an smtpd (about 9 MB) per connection: 10,000 would not fit
layer7="${LAYER7_BIN:-}"
[ -n "$layer7" ] || layer7="$(build_layer7)"
command -v nginx >/dev/null || { echo "nginx missing: run tools/setup.sh bench" >&2; exit 1; }
# each end (the server, the client) holds N descriptors
ulimit -n $((N + 4096)) 2>/dev/null ||
    { echo "N=$N needs ulimit -n $((N + 4096)); the hard limit is $(ulimit -Hn)" >&2; exit 1; }
client="/usr/bin/python3 $here/idle_client.py"

work="$(mktemp -d /tmp/layer7-bench-idle.XXXXXX)"
chmod 755 "$work"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    if [ -f "$work/postfix/etc/main.cf" ]; then postfix -c "$work/postfix/etc" stop >/dev/null 2>&1 || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# RSS or PSS (kB) of a process and, recursively, its children.
tree_mem_kb() {
    local field="$1" pid="$2" total c
    if [ "$field" = Pss ]; then
        total="$(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)"
    else
        total="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)"
    fi
    for c in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
        total=$((total + $(tree_mem_kb "$field" "$c")))
    done
    echo "${total:-0}"
}

docs="$work/docs"
mkdir -p "$docs"
head -c 1024 /dev/urandom >"$docs/1k.bin"
chmod -R a+rX "$docs"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

# ---------------------------------------------------------------- HTTP: layer7 and nginx
declare -A port pid
port[layer7]="$(free_port)"; port[layer7_tls]="$(free_port)"
port[nginx]="$(free_port)"; port[nginx_tls]="$(free_port)"
# Each case gets fresh servers, so that memory freed by one case does not hide the next one's.
start_http() {
    printf '%s\n' "[runtime]" "threads = $WORKERS" "data = \"$work/l7data\"" "log_level = \"warn\"" \
        "[http]" "listen = \"127.0.0.1:${port[layer7]}\"" "tls_listen = \"127.0.0.1:${port[layer7_tls]}\"" \
        "tls_cert = \"$work/cert.pem\"" "tls_key = \"$work/key.pem\"" "root = \"$docs\"" \
        "[http.limits]" "max_connections = $((N + 1000))" "idle_timeout = 600" >"$work/layer7.toml"
    "$layer7" up --config "$work/layer7.toml" >"$work/layer7.out" 2>&1 &
    pid[layer7]=$!; pids+=("$!")

    mkdir -p "$work/nginx"
    printf '%s\n' "worker_processes $WORKERS;" "worker_rlimit_nofile $((N + 4096));" "daemon off;" \
        "master_process on;" "user root;" "pid $work/nginx/nginx.pid;" "error_log $work/nginx/error.log warn;" \
        "events { worker_connections $((N + 1000)); }" \
        "http {" "  access_log off;" "  sendfile on;" "  keepalive_timeout 600s;" \
        "  client_body_temp_path $work/nginx/body;" "  proxy_temp_path $work/nginx/proxy;" \
        "  fastcgi_temp_path $work/nginx/fastcgi;" "  uwsgi_temp_path $work/nginx/uwsgi;" \
        "  scgi_temp_path $work/nginx/scgi;" \
        "  server {" "    listen 127.0.0.1:${port[nginx]};" "    listen 127.0.0.1:${port[nginx_tls]} ssl http2;" \
        "    ssl_certificate $work/cert.pem;" "    ssl_certificate_key $work/key.pem;" "    root $docs;" "  }" \
        "}" >"$work/nginx/nginx.conf"
    nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" >"$work/nginx.out" 2>&1 &
    pid[nginx]=$!; pids+=("$!")
    for p in "${port[layer7]}" "${port[layer7_tls]}" "${port[nginx]}" "${port[nginx_tls]}"; do
        wait_port "$p" || { cat "$work/layer7.out" "$work/nginx.out" >&2; exit 1; }
    done
}
stop() {
    local p
    for p in "$@"; do kill "$p" 2>/dev/null || true; done
    for p in "$@"; do wait "$p" 2>/dev/null || true; done
}

# Holds N connections to PORT (MODE: get, none, banner, ws:PATH, h2; TLS: "tls" or nothing) and prints the
# growth of SERVER_PID's tree per connection, in bytes: "rss pss".
hold() {
    local server_pid="$1" port="$2" mode="$3" tls="${4:-}" n="${HOLD_N:-$N}" rss0 pss0 rss1 pss1 ready=""
    # a few connections first: what the first one sets up once (pools, TLS caches) is not per connection
    timeout 60 $client 127.0.0.1 "$port" 20 "$mode" $tls </dev/null >/dev/null
    rss0="$(tree_mem_kb Rss "$server_pid")"; pss0="$(tree_mem_kb Pss "$server_pid")"
    coproc HOLD { timeout 600 $client 127.0.0.1 "$port" "$n" "$mode" $tls; }
    read -r -t 600 ready <&"${HOLD[0]}" || true
    [ "$ready" = ready ] || { echo "idle connections to port $port did not open" >&2; exit 1; }
    rss1="$(tree_mem_kb Rss "$server_pid")"; pss1="$(tree_mem_kb Pss "$server_pid")"
    exec {HOLD[1]}>&-
    wait "$HOLD_PID" || true
    awk -v r0="$rss0" -v r1="$rss1" -v p0="$pss0" -v p1="$pss1" -v n="$n" \
        'BEGIN { printf "%d %d\n", (r1 - r0) * 1024 / n, (p1 - p0) * 1024 / n }'
}

# ---------------------------------------------------------------- the table, a row per case as it is measured
printf '\n%d idle connections (mail: %d): bytes per connection, RSS / PSS growth of the server divided by N\n' "$N" "$MAIL_N"
printf '%-16s %17s %17s %7s  %s\n' case layer7 peer ratio "(RSS, layer7/peer)"
row() {
    local name="$1" ours="$2" theirs="$3" peer="$4" our_rss our_pss their_rss their_pss
    read -r our_rss our_pss <<<"$ours"
    read -r their_rss their_pss <<<"$theirs"
    printf '%-16s %8s / %-6s %8s / %-6s %7s  %s\n' "$name" "$our_rss" "$our_pss" "$their_rss" "$their_pss" \
        "$(awk -v a="$our_rss" -v b="$their_rss" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }')" "$peer"
}
declare -A result
for case in "plain get" "plain none" "tls get" "tls none" "tls h2"; do
    read -r kind mode <<<"$case"
    tls=""; suffix=""
    if [ "$kind" = tls ]; then tls=tls; suffix=_tls; fi
    start_http
    for s in layer7 nginx; do
        result["$s $case"]="$(hold "${pid[$s]}" "${port[$s$suffix]}" "$mode" $tls)"
    done
    stop "${pid[layer7]}" "${pid[nginx]}"
    row "http $case" "${result[layer7 $case]}" "${result[nginx $case]}" nginx
done

# ---------------------------------------------------------------- WebSocket: layer7 and npm ws
# After the upgrade and one 1 KiB echo each: layer7's /ws/echo beside node-ws's echo server (as in
# bench/websocket.sh), plain TCP.
if command -v node >/dev/null && [ -d /usr/share/nodejs/ws ]; then
    start_http
    port[node_ws]="$(free_port)"
    NODE_PATH=/usr/share/nodejs node "$here/websocket/node_echo_server.js" "${port[node_ws]}" >"$work/node.out" 2>&1 &
    pid[node_ws]=$!; pids+=("$!")
    wait_port "${port[node_ws]}" || { cat "$work/node.out" >&2; exit 1; }
    result["layer7 ws"]="$(hold "${pid[layer7]}" "${port[layer7]}" ws:/ws/echo)"
    result["node ws"]="$(hold "${pid[node_ws]}" "${port[node_ws]}" ws:/)"
    stop "${pid[layer7]}" "${pid[nginx]}" "${pid[node_ws]}"
    row "websocket echo" "${result[layer7 ws]}" "${result[node ws]}" "npm ws"
fi

# ---------------------------------------------------------------- mail: layer7, Postfix, Dovecot
if [ "$MAIL" = 1 ] && command -v postfix >/dev/null && [ -x /usr/sbin/dovecot ]; then
    port[smtp]="$(free_port)"; port[pop3]="$(free_port)"; port[postfix]="$(free_port)"; port[dovecot]="$(free_port)"
    echo secret | "$layer7" user add bench --users "$work/users" >/dev/null
    printf '%s\n' "[runtime]" "threads = $WORKERS" "data = \"$work/l7mail\"" "log_level = \"warn\"" \
        "[smtp]" "listen = \"127.0.0.1:${port[smtp]}\"" "submission = \"\"" "users = \"$work/users\"" \
        "[smtp.limits]" "max_connections = $((N + 1000))" \
        "[pop3]" "listen = \"127.0.0.1:${port[pop3]}\"" "users = \"$work/users\"" \
        "[pop3.limits]" "max_connections = $((N + 1000))" >"$work/mail.toml"
    "$layer7" up --config "$work/mail.toml" >"$work/mail.out" 2>&1 &
    pid[mail]=$!; pids+=("$!")
    # Postfix: a private instance (as bench/smtp.sh: its own config and queue, no chroot) on loopback.
    pf="$work/postfix"
    mkdir -p "$pf/etc" "$pf/queue" "$pf/data"
    chown postfix:postfix "$pf/data"
    printf '%s\n' "compatibility_level = 3.6" "queue_directory = $pf/queue" "data_directory = $pf/data" \
        "mail_owner = postfix" "setgid_group = postdrop" "myhostname = mx.bench.test" "mydestination =" \
        "inet_interfaces = 127.0.0.1" "inet_protocols = ipv4" "maillog_file = $pf/maillog" \
        "maillog_file_prefixes = $pf" "alias_maps =" "alias_database =" "smtpd_tls_security_level = none" \
        "default_process_limit = $((MAIL_N + 100))" "smtpd_client_connection_count_limit = 0" >"$pf/etc/main.cf"
    awk -v listen="127.0.0.1:${port[postfix]}" '
        /^smtp[ \t]+inet/ { $1 = listen }
        /^[a-z0-9.:]+[ \t]/ && NF >= 8 && $5 == "y" { $5 = "n" }
        { print }' /etc/postfix/master.cf >"$pf/etc/master.cf"
    postfix -c "$pf/etc" start >"$work/postfix.out" 2>&1 || { cat "$work/postfix.out" "$pf/maillog" >&2; exit 1; }
    mkdir -p "$work/dovecot"
    printf '%s\n' "base_dir = $work/dovecot/run" "log_path = $work/dovecot/log" "protocols = pop3" \
        "listen = 127.0.0.1" "ssl = no" "default_client_limit = $((N + 1000))" \
        "default_process_limit = $((N + 100))" "default_vsz_limit = 0" \
        "service pop3-login {" "  inet_listener pop3 {" "    port = ${port[dovecot]}" "  }" \
        "  service_count = 0" "  process_min_avail = $WORKERS" "  client_limit = $((N + 1000))" "}" \
        "passdb {" "  driver = static" "  args = password=secret" "}" \
        "userdb {" "  driver = static" "  args = uid=root gid=root home=$work/dovecot/home/%u" "}" \
        "mail_location = maildir:~/Maildir" >"$work/dovecot/dovecot.conf"
    /usr/sbin/dovecot -c "$work/dovecot/dovecot.conf" -F >"$work/dovecot.out" 2>&1 &
    pid[dovecot]=$!; pids+=("$!")
    for p in "${port[smtp]}" "${port[pop3]}" "${port[postfix]}" "${port[dovecot]}"; do
        wait_port "$p" || { cat "$work/mail.out" "$work/dovecot.out" >&2; exit 1; }
    done
    postfix_master="$(tr -d ' ' <"$pf/queue/pid/master.pid")"
    export HOLD_N="$MAIL_N"
    result["layer7 smtp"]="$(hold "${pid[mail]}" "${port[smtp]}" banner)"
    result["postfix smtp"]="$(hold "$postfix_master" "${port[postfix]}" banner)"
    row "smtp after 220" "${result[layer7 smtp]}" "${result[postfix smtp]}" postfix
    stop "${pid[mail]}"  # fresh for POP3 (see start_http)
    "$layer7" up --config "$work/mail.toml" >"$work/mail.out" 2>&1 &
    pid[mail]=$!; pids+=("$!")
    wait_port "${port[pop3]}" || { cat "$work/mail.out" >&2; exit 1; }
    result["layer7 pop3"]="$(hold "${pid[mail]}" "${port[pop3]}" banner)"
    result["dovecot pop3"]="$(hold "${pid[dovecot]}" "${port[dovecot]}" banner)"
    row "pop3 after +OK" "${result[layer7 pop3]}" "${result[dovecot pop3]}" dovecot
fi
