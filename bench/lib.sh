#!/usr/bin/env bash
# Shared helpers for bench/*.sh (sourced, not run).

# Total CPU ticks (utime + stime) of PID and its threads. Fields are counted after the last ')'
# because the command name (field 2) may contain spaces and parentheses.
cpu_ticks() {
    local stat rest
    stat="$(cat "/proc/$1/stat")"
    rest="${stat##*) }"
    # after "comm) " the fields start at field 3 (state); utime is field 14, stime 15
    awk '{ print $12 + $13 }' <<<"$rest"
}

# utime + stime + cutime + cstime of PID (a server's reaped children count: Postfix, Dovecot).
ticks_all() {
    local stat rest
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || { echo 0; return; }
    rest="${stat##*) }"
    awk '{ print $12 + $13 + $14 + $15 }' <<<"$rest"
}
# A server's CPU ticks: the process and, recursively, its live children.
tree_ticks() {
    local total c
    total="$(ticks_all "$1")"
    for c in $(cat /proc/"$1"/task/*/children 2>/dev/null); do
        total=$((total + $(tree_ticks "$c")))
    done
    echo "$total"
}

# Ticks per second, to turn ticks into seconds.
clock_ticks() { getconf CLK_TCK; }

# Median of numbers given as arguments.
median() {
    printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else print (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

# Largest of numbers given as arguments.
best() { printf '%s\n' "$@" | sort -g | tail -1; }

# CPU placement (PIN=1, the default, on a machine with at least 2 CPUs): the load generator gets
# CPU 0 and the servers the others. On a small machine a load generator that shares its CPU with
# the server's threads makes the scheduler's placement of three busy threads on two CPUs, and which
# server thread happened to accept which connection, decide the figures. PIN=0 turns it off.
# Usage: $(client_pin) wrk ...   /   $(server_pin) nginx ...   (each prints nothing when off)
pin_on() { [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; }
server_cpus() { local last=$(($(nproc) - 1)); [ "$last" = 1 ] && echo 1 || echo "1-$last"; }
# How many CPUs the servers get: one worker per CPU is a server's natural setting (two workers
# time-sharing one CPU switch between each other on every wake-up).
server_cpu_count() { pin_on && echo $(($(nproc) - 1)) || nproc; }
client_pin() { pin_on && echo "taskset -c 0" || true; }
server_pin() { pin_on && echo "taskset -c $(server_cpus)" || true; }
pin_note() { pin_on && echo "load generator on CPU 0, servers on CPU $(server_cpus) (PIN=0: no pinning)" ||
    echo "no CPU pinning"; }

# Waits up to 10 s for a TCP port on 127.0.0.1 to accept connections.
wait_port() {
    local port="$1" end=$((SECONDS + 10))
    while ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
        [ "$SECONDS" -lt "$end" ] || { echo "port $port did not open" >&2; return 1; }
        sleep 0.05
    done
}

# A TCP port free on 127.0.0.1 right now (the kernel picks it).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# A scratch folder in $work and a list $pids for the servers started in the background; at exit
# the servers are stopped and waited for and the folder removed. Usage: bench_workspace NAME
bench_workspace() {
    work="$(mktemp -d "/tmp/layer7-bench-$1.XXXXXX")"
    pids=()
    trap bench_cleanup EXIT
}
bench_cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}

# Builds the Release layer7 once; prints its path.
build_layer7() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    (cd "$root" && tools/setup.sh bench >&2 && export CCACHE_BASEDIR="$root" CCACHE_NOHASHDIR=1 &&
        cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAYER7_TESTS=OFF >/dev/null &&
        cmake --build build/release --target layer7 >&2)
    echo "$root/build/release/src/cli/layer7"
}

# CPU of a whole process tree, for servers that fork per session (vsftpd: a session's process is
# re-parented to init when its parent exits first, so no ancestor's cutime ever counts it). The tree
# gets a cgroup of its own, which every descendant stays in. cpu_group_add NAME PID (before the
# server forks), cpu_group_usec NAME, cpu_group_remove NAME. Works with cgroup v2 (unified) and v1
# cpuacct; prints nothing and fails when neither can be written.
cpu_group_dir() {
    local d
    for d in /sys/fs/cgroup/unified /sys/fs/cgroup /sys/fs/cgroup/cpuacct; do
        if [ -f "$d/cgroup.procs" ] && { [ -f "$d/cgroup.controllers" ] || [ -f "$d/cpuacct.usage" ]; }; then
            echo "$d/layer7-bench-$1"
            return 0
        fi
    done
    return 1
}
cpu_group_add() {
    local d
    d="$(cpu_group_dir "$1")" && mkdir -p "$d" && echo "$2" >"$d/cgroup.procs"
}
cpu_group_usec() {
    local d
    d="$(cpu_group_dir "$1")" || return 1
    if [ -f "$d/cpu.stat" ]; then awk '$1 == "usage_usec" { print $2 }' "$d/cpu.stat"
    else echo $(($(cat "$d/cpuacct.usage") / 1000)); fi
}
cpu_group_remove() {
    local d
    d="$(cpu_group_dir "$1")" && [ -d "$d" ] && rmdir "$d" 2>/dev/null || true
}

# One bounded dnsperf run (bench/dns.sh, bench/dns_resolver.sh) against 127.0.0.1:$2 from $3
# sockets with the queries file $4 and the caller's $OUTSTANDING and $DURATION; on CPU 0 when $5 is
# "pinned". The server's CPU is what the caller's `server_ticks $1` counts before and after. Prints
# "qps avg_latency_ms cpu_us_per_query lost dnsperf_cpu_percent": dnsperf's own CPU is the children's
# time of the subshell once dnsperf has exited. Near 100 % of its CPU, dnsperf is the limit: its q/s
# then say how fast it runs against each server, and the CPU per query is what compares the servers.
dnsperf_measure() {
    local pid="$1" port="$2" clients="$3" queries="$4" pin="" before after out completed qps lat lost ticks hz load stat
    [ "${5:-}" = pinned ] && pin="$(client_pin)"
    before="$(server_ticks "$pid")"
    out="$($pin dnsperf -s 127.0.0.1 -p "$port" -d "$queries" -c "$clients" -T 1 -q "$OUTSTANDING" \
        -l "$DURATION" -t 2 2>&1
        read -r -a stat </proc/$BASHPID/stat
        echo "load ticks: $((stat[15] + stat[16]))")"
    after="$(server_ticks "$pid")"
    completed="$(awk '/Queries completed:/ { print $3 }' <<<"$out")"
    lost="$(awk '/Queries lost:/ { print $3 }' <<<"$out")"
    qps="$(awk '/Queries per second:/ { print $4 }' <<<"$out")"
    lat="$(awk '/Average Latency/ { print $4 * 1000 }' <<<"$out")"
    load="$(awk '/^load ticks:/ { print $3 }' <<<"$out")"
    hz="$(clock_ticks)"
    ticks=$((after - before))
    awk -v q="$qps" -v l="$lat" -v t="$ticks" -v hz="$hz" -v n="$completed" -v lost="$lost" -v load="$load" \
        -v d="$DURATION" 'BEGIN { printf "%s %s %.2f %s %.0f\n", q, l, (n > 0 ? t / hz * 1e6 / n : 0), lost,
                                  load / hz / d * 100 }'
}
