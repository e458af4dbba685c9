#!/usr/bin/env bash
# FTP benchmark: a 1 GiB download and upload with curl, from layer7 and from vsftpd (Debian), on loopback,
# A B B A … after one untimed transfer each (PAIRS pairs, default 3). Prints the median MB/s and server CPU seconds per GiB for each, the
# raw loopback TCP throughput of this machine beside them (socat: /dev/zero → TCP → /dev/null, the
# practical limit), and last the ratios layer7 / vsftpd (> 1: layer7 is faster).
# Note: layer7 fsyncs every upload before it answers 226 (durability by rename); vsftpd does not, so
# "up+on disk" also times both until the file is on disk (curl, then `sync FILE`): like with like.
# LAYER7_BIN=path skips the Release build.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"
PAIRS="${PAIRS:-3}"
layer7="${LAYER7_BIN:-$(build_layer7)}"
command -v vsftpd >/dev/null || [ -x /usr/sbin/vsftpd ] || { echo "vsftpd not installed (tools/setup.sh test)" >&2; exit 1; }
command -v socat >/dev/null || { echo "socat not installed" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "vsftpd needs root (chroot)" >&2; exit 1; }

work="$(mktemp -d /tmp/ftp-bench.XXXXXX)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
    cpu_group_remove l7
    cpu_group_remove vs
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

mkdir -p "$work/root/upload" "$work/anon/upload" "$work/empty" "$work/data"
echo "making a 1 GiB file of random bytes…" >&2
head -c 1G /dev/urandom >"$work/root/big.bin"
ln "$work/root/big.bin" "$work/anon/big.bin"  # the same bytes for both servers
head -c 1G /dev/urandom >"$work/up.bin"
chown ftp "$work/anon/upload"
chmod 755 "$work/anon"
cat /dev/null >"$work/users"
printf 'bench\n' | "$layer7" user add bench --users "$work/users" >/dev/null
sed -i 's/$/:write=yes/' "$work/users"

# --- raw loopback TCP: what any server could reach at best ------------------------------------
raw_port="$(free_port)"
# fork: wait_port's probe connection must not use up the one connection the listener would take
socat -u -b 262144 "TCP-LISTEN:$raw_port,reuseaddr,fork,bind=127.0.0.1" OPEN:/dev/null &
pids+=($!)
wait_port "$raw_port"
start=$(date +%s.%N)
# 256 KiB buffers on both ends and no pipe in front: with socat's 8 KiB default or `head |` the
# copying tools, not TCP, set the pace (about 400 MB/s instead of 1.6 GB/s here).
socat -u -b 262144 OPEN:/dev/zero,readbytes=4294967296 "TCP:127.0.0.1:$raw_port"
end=$(date +%s.%N)
raw=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", 4 * 1073.741824 / (e - s) }')

# --- the two servers ------------------------------------------------------------------------------
l7_port="$(free_port)"
"$layer7" --log-level off --threads 1 --data "$work/data" ftp serve --root "$work/root" \
    --listen "127.0.0.1:$l7_port" --anonymous --users "$work/users" >/dev/null 2>&1 &
l7_pid=$!
pids+=("$l7_pid")
vs_port="$(free_port)"
cat >"$work/vsftpd.conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$vs_port
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$work/anon
local_enable=NO
write_enable=YES
anon_upload_enable=YES
anon_other_write_enable=YES
anon_world_readable_only=NO
secure_chroot_dir=$work/empty
seccomp_sandbox=NO
isolate=NO
isolate_network=NO
xferlog_enable=NO
CONF
/usr/sbin/vsftpd "$work/vsftpd.conf" >/dev/null 2>&1 &
vs_pid=$!
pids+=("$vs_pid")
wait_port "$l7_port"
wait_port "$vs_port"

# vsftpd forks processes per session: each server's CPU is its cgroup's (see cpu_group_add in lib.sh),
# read once the session's processes are gone (bounded wait).
cpu_group_add l7 "$l7_pid" && cpu_group_add vs "$vs_pid" ||
    echo "no cgroup to count CPU in: the CPU column will say 0" >&2
sessions_gone() {
    local procs end=$((SECONDS + 5))
    procs="$(cpu_group_dir "$1")/cgroup.procs"
    while [ -f "$procs" ] && [ "$(wc -l <"$procs")" -gt 1 ] && [ "$SECONDS" -lt "$end" ]; do sleep 0.05; done
}
usec() { cpu_group_usec "$1" 2>/dev/null || echo 0; }

# One transfer: prints "MB/s cpu_seconds durable_MB/s". $1 server (l7|vs), $2 down|up.
# durable: for an upload, 1 GiB over the time from curl's start until the uploaded file is on disk
# (curl, then `sync FILE`, an fsync; a no-op for layer7, which synced before its 226). The upload
# column alone compares layer7's durable 226 with vsftpd's 226 that leaves the bytes in the page cache.
transfer() {
    local who="$1" dir="$2" url before after speed start end file dir_on_disk
    if [ "$who" = l7 ]; then url="ftp://bench:bench@127.0.0.1:$l7_port"; dir_on_disk="$work/root/upload"
    else url="ftp://127.0.0.1:$vs_port"; dir_on_disk="$work/anon/upload"; fi
    sync  # every run starts without the previous one's dirty pages
    before=$(usec "$who")
    start=$(date +%s.%N)
    if [ "$dir" = down ]; then
        speed=$(curl -sS --max-time 120 -o /dev/null -w '%{speed_download}' "$url/big.bin")
    else
        file="up-$RANDOM.bin"
        speed=$(curl -sS --max-time 120 -T "$work/up.bin" -w '%{speed_upload}' "$url/upload/$file")
        sync "$dir_on_disk/$file"
    fi
    end=$(date +%s.%N)
    sessions_gone "$who"
    after=$(usec "$who")
    rm -f "$work/root/upload/"* "$work/anon/upload/"* 2>/dev/null || true
    awk -v s="$speed" -v b="$before" -v a="$after" -v t0="$start" -v t1="$end" \
        'BEGIN { printf "%.0f %.2f %.0f\n", s / 1e6, (a - b) / 1e6, 1073.741824 / (t1 - t0) }'
}

declare -A speeds cpus durable
# Fairness: the first transfer into fresh memory pays the hypervisor's page faults (a VM gets its
# free memory backed again on first touch: the first upload ran at 230 MB/s, the next at 1 GB/s),
# so each direction starts with an untimed transfer to each server, and the order alternates.
for dir in down up; do
    transfer l7 "$dir" >/dev/null
    transfer vs "$dir" >/dev/null
    for ((i = 0; i < PAIRS; i++)); do
        order="l7 vs"
        [ $((i % 2)) -eq 0 ] || order="vs l7"
        for who in $order; do
            read -r mbps cpu on_disk < <(transfer "$who" "$dir")
            speeds[$who.$dir]+="$mbps "
            cpus[$who.$dir]+="$cpu "
            [ "$dir" = down ] || durable[$who]+="$on_disk "
            echo "  $dir $who: $mbps MB/s, server CPU ${cpu}s" >&2
        done
    done
done

# Uploads are bimodal on a VM: a run whose page-cache pages are fresh from the hypervisor costs
# the server 3-4x the CPU (seen for both servers), so the best run is printed beside the median.
printf '\n%-22s %10s %10s %16s\n' "1 GiB with curl" "MB/s med" "MB/s best" "server CPU s/GiB"
for dir in down up; do
    for who in l7 vs; do
        name=$([ "$who" = l7 ] && echo layer7 || echo vsftpd)
        # shellcheck disable=SC2086
        printf '%-22s %10s %10s %16s\n' "$dir $name" "$(median ${speeds[$who.$dir]})" "$(best ${speeds[$who.$dir]})" \
            "$(median ${cpus[$who.$dir]})"
    done
done
for who in l7 vs; do
    name=$([ "$who" = l7 ] && echo layer7 || echo vsftpd)
    # shellcheck disable=SC2086
    printf '%-22s %10s %10s\n' "up+on disk $name" "$(median ${durable[$who]})" "$(best ${durable[$who]})"
done
printf '%-22s %10s\n' "raw loopback TCP" "$raw"
for stat in median best; do
    # shellcheck disable=SC2086
    awk -v ld="$($stat ${speeds[l7.down]})" -v vd="$($stat ${speeds[vs.down]})" \
        -v lu="$($stat ${speeds[l7.up]})" -v vu="$($stat ${speeds[vs.up]})" \
        -v ldur="$($stat ${durable[l7]})" -v vdur="$($stat ${durable[vs]})" -v stat="$stat" \
        'BEGIN { printf "ratio layer7/vsftpd (%s): download %.2f, upload %.2f, upload until on disk %.2f\n", stat, ld / vd, lu / vu, ldur / vdur }'
done
