#!/usr/bin/env bash
# BitTorrent benchmark, on loopback through `layer7 tracker serve` (DHT, LPD, PEX off everywhere).
#
# 1. Throughput: a SIZE_MB (default 1024) file of random bytes from one seed to one leecher, for
#    three pairs of the same client: layer7 → layer7 and aria2c → aria2c at their defaults,
#    python3-libtorrent → python3-libtorrent at its fastest (bench/torrent/lt_peer.py says why).
#    Each pair has a torrent of its own (the same bytes under three names), so a leecher only ever
#    meets its own seed; the three seeds stay up and each round times one download from each
#    (A B C A B C …, ROUNDS rounds, fresh folder each time, the file in the page cache), from the
#    leecher's start to its exit. Printed: median seconds, MB/s, the CPU seconds per GiB of seed and
#    leecher together, and layer7 against the fastest other client (> 1: layer7 is faster).
# 2. Distribution time against N (Kurose & Ross §2.5.1): a layer7 seed capped at U_S uploads a file
#    of F_MB to N = NS layer7 leechers, each capped at U_S/10 upload and uncapped download, staying
#    once complete (--keep-seeding), as the textbook's peers do. Timed from the N starts to the last
#    "complete" (--json). Printed beside the client-server bound N·F/u_s and the P2P bound
#    max(F/u_s, N·F/(u_s + N·u)) (d_min = ∞: no download cap), as a table and as a PNG (gnuplot)
#    written to OUT_PNG (default ./torrent-distribution.png).
#
#   LAYER7_BIN=path  use this layer7 instead of building build/release
#   ROUNDS=3 SIZE_MB=1024 PARTS="throughput distribution"
#   F_MB=64 U_S=4M NS="1 2 4 8 16 32" PIECE=256K
# Not run in CI.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$here/lib.sh"

ROUNDS="${ROUNDS:-3}"
SIZE_MB="${SIZE_MB:-1024}"
PARTS="${PARTS:-throughput distribution}"
F_MB="${F_MB:-64}"
U_S="${U_S:-4M}"
NS="${NS:-1 2 4 8 16 32}"
PIECE="${PIECE:-256K}"
OUT_PNG="${OUT_PNG:-$PWD/torrent-distribution.png}"
layer7="${LAYER7_BIN:-$(build_layer7)}"
for tool in aria2c gnuplot curl; do
    command -v "$tool" >/dev/null || { echo "$tool missing: run tools/setup.sh bench" >&2; exit 1; }
done
/usr/bin/python3 -c 'import libtorrent' 2>/dev/null ||
    { echo "python3-libtorrent missing: run tools/setup.sh bench" >&2; exit 1; }

bench_workspace torrent
aria2_isolated=(--enable-dht=false --enable-dht6=false --bt-enable-lpd=false --enable-peer-exchange=false
    --disable-ipv6=true --file-allocation=none --console-log-level=warn --summary-interval=0)

# A byte count from 4M / 256K / 1G / 123.
bytes_of() { numfmt --from=iec "$1"; }

# The tracker's default interval (30 min): libtorrent announces at most every 5 min whatever the
# tracker says, and a tracker that expects announces every few seconds forgets it meanwhile.
tracker_port="$(free_port)"
"$layer7" --log-level off --threads 1 tracker serve --listen "127.0.0.1:$tracker_port" --no-udp \
    >/dev/null 2>&1 &
pids+=($!)
wait_port "$tracker_port"
announce="http://127.0.0.1:$tracker_port/announce"

# make_torrent FILE OUT [PIECE]: prints the info-hash.
make_torrent() {
    "$layer7" torrent make "$1" --tracker "$announce" -o "$2" --piece-size "${3:-$PIECE}" |
        awk '/^info-hash:/ { print $2 }'
}

# seeders|leechers HASH: what the tracker's scrape says of the torrent.
scrape_count() {
    local raw
    raw="$(/usr/bin/python3 -c 'import sys, urllib.parse; print(urllib.parse.quote_from_bytes(bytes.fromhex(sys.argv[1])))' "$2")"
    curl -s "http://127.0.0.1:$tracker_port/scrape?info_hash=$raw" |
        /usr/bin/python3 -c 'import re, sys; m = re.search(rb"8:" + sys.argv[1].encode() + rb"i(\d+)e", sys.stdin.buffer.read()); print(m.group(1).decode() if m else 0)' \
            "$([ "$1" = seeders ] && echo complete || echo incomplete)"
}

# wait_seeders HASH N [SECONDS]: until the tracker knows N seeds of HASH.
wait_seeders() {
    local end=$((SECONDS + ${3:-120}))
    until [ "$(scrape_count seeders "$1")" -ge "$2" ]; do
        [ "$SECONDS" -lt "$end" ] || { echo "no $2 seed(s) of $1 announced in time" >&2; return 1; }
        sleep 0.2
    done
}

# ---- 1. throughput ------------------------------------------------------------------------------
throughput() {
    local clients=(layer7 aria2c libtorrent) c round
    local -A hash seed_pid secs cpu
    mkdir -p "$work/seed"
    echo "making a $SIZE_MB MiB file of random bytes…" >&2
    head -c "${SIZE_MB}M" /dev/urandom >"$work/seed/big-layer7.bin"
    ln "$work/seed/big-layer7.bin" "$work/seed/big-aria2c.bin"
    ln "$work/seed/big-layer7.bin" "$work/seed/big-libtorrent.bin"
    for c in "${clients[@]}"; do
        hash[$c]="$(make_torrent "$work/seed/big-$c.bin" "$work/$c.torrent" 256K)"
    done

    "$layer7" --log-level off torrent seed "$work/layer7.torrent" --dir "$work/seed" -q >/dev/null 2>&1 &
    seed_pid[layer7]=$!
    aria2c "${aria2_isolated[@]}" --dir="$work/seed" --listen-port="$(free_port)" --check-integrity=true \
        --seed-ratio=0.0 "$work/aria2c.torrent" >"$work/aria2c-seed.log" 2>&1 &
    seed_pid[aria2c]=$!
    /usr/bin/python3 "$here/torrent/lt_peer.py" seed "$work/libtorrent.torrent" "$work/seed" "$(free_port)" \
        >"$work/libtorrent-seed.log" 2>&1 &
    seed_pid[libtorrent]=$!
    pids+=("${seed_pid[@]}")
    echo "waiting for the three seeds to check their data and announce…" >&2
    for c in "${clients[@]}"; do wait_seeders "${hash[$c]}" 1 300; done

    local tck leech="$work/leech" t0 t1 s0 s1 times
    tck="$(clock_ticks)"
    for round in $(seq "$ROUNDS"); do
        for c in "${clients[@]}"; do
            rm -rf "$leech"
            mkdir -p "$leech"
            s0="$(tree_ticks "${seed_pid[$c]}")"
            t0="$(date +%s.%N)"
            # The leecher's own CPU: bash's `time` of the command, user and system.
            times="$( { TIMEFORMAT='%U %S'; time {
                case "$c" in
                layer7) "$layer7" --log-level off torrent get "$work/layer7.torrent" --dir "$leech" -q >/dev/null 2>&1 ;;
                aria2c) aria2c "${aria2_isolated[@]}" --dir="$leech" --listen-port="$(free_port)" --seed-time=0 \
                    "$work/aria2c.torrent" >"$work/aria2c-leech.log" 2>&1 ;;
                libtorrent) /usr/bin/python3 "$here/torrent/lt_peer.py" get "$work/libtorrent.torrent" "$leech" \
                    "$(free_port)" >/dev/null 2>&1 ;;
                esac
            }; } 2>&1)" || { echo "$c's download failed" >&2; exit 1; }
            t1="$(date +%s.%N)"
            s1="$(tree_ticks "${seed_pid[$c]}")"
            cmp -s "$work/seed/big-$c.bin" "$leech/big-$c.bin" || { echo "$c's copy differs" >&2; exit 1; }
            secs[$c]+="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }') "
            cpu[$c]+="$(awk -v u="${times% *}" -v s="${times#* }" -v d=$((s1 - s0)) -v t="$tck" -v mb="$SIZE_MB" \
                'BEGIN { printf "%.2f", (u + s + d / t) * 1024 / mb }') "
            echo "round $round: $c $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f s", b - a }')" >&2
        done
    done
    rm -rf "$leech"
    kill "${seed_pid[@]}" 2>/dev/null || true

    printf '\n%s MiB, one seed to one leecher, %s rounds (medians)\n' "$SIZE_MB" "$ROUNDS"
    printf '%-26s %9s %9s %22s\n' "client → same client" "seconds" "MB/s" "CPU s/GiB seed+leech"
    local -A mbs
    for c in "${clients[@]}"; do
        local med
        # shellcheck disable=SC2086
        med="$(median ${secs[$c]})"
        mbs[$c]="$(awk -v s="$med" -v mb="$SIZE_MB" 'BEGIN { printf "%.0f", mb * 1.048576 / s }')"
        # shellcheck disable=SC2086
        printf '%-26s %9s %9s %22s\n' "$c → $c" "$med" "${mbs[$c]}" "$(median ${cpu[$c]})"
    done
    local fastest other
    fastest="$(best "${mbs[aria2c]}" "${mbs[libtorrent]}")"
    [ "$fastest" = "${mbs[aria2c]}" ] && other=aria2c || other=libtorrent
    awk -v l="${mbs[layer7]}" -v o="$fastest" -v n="$other" \
        'BEGIN { printf "ratio layer7 / fastest other (%s): throughput %.2f\n", n, l / o }'
}

# ---- 2. distribution time against N -------------------------------------------------------------
distribution() {
    local dir="$work/dist" f_bytes us u hash seed n i t0 t1 done_count end rows="" worst=0
    f_bytes=$((F_MB * 1048576))
    us="$(bytes_of "$U_S")"
    u=$((us / 10))  # u = u_s/10, the ratio of the textbook's Figure 2.23
    mkdir -p "$dir/seed"
    head -c "$f_bytes" /dev/urandom >"$dir/seed/file.bin"
    hash="$(make_torrent "$dir/seed/file.bin" "$work/dist.torrent")"
    "$layer7" --log-level off torrent seed "$work/dist.torrent" --dir "$dir/seed" -q --upload-rate "$us" \
        >/dev/null 2>&1 &
    seed=$!
    pids+=("$seed")
    wait_seeders "$hash" 1
    printf '# N measured_s client_server_bound_s p2p_bound_s\n' >"$work/dist.dat"
    for n in $NS; do
        local leechers=() bound cs
        bound="$(awk -v n="$n" -v f="$f_bytes" -v us="$us" -v u="$u" \
            'BEGIN { a = f / us; b = n * f / (us + n * u); printf "%.3f", (a > b ? a : b) }')"
        cs="$(awk -v n="$n" -v f="$f_bytes" -v us="$us" 'BEGIN { printf "%.3f", n * f / us }')"
        rm -rf "$dir/peers"
        t0="$(date +%s.%N)"
        for i in $(seq "$n"); do
            mkdir -p "$dir/peers/$i"
            "$layer7" --log-level off torrent get "$work/dist.torrent" --dir "$dir/peers/$i" --json --keep-seeding \
                --upload-rate "$u" >"$dir/peers/$i.json" 2>"$dir/peers/$i.err" &
            leechers+=($!)
        done
        pids+=("${leechers[@]}")
        end=$((SECONDS + 60 + 10 * ${bound%.*}))
        while :; do
            done_count="$(cat "$dir"/peers/*.json | grep -c '"event":"complete"' || true)"
            [ "$done_count" -lt "$n" ] || break
            [ "$SECONDS" -lt "$end" ] || { echo "N=$n: $done_count of $n complete by the deadline" >&2; exit 1; }
            sleep 0.05
        done
        t1="$(date +%s.%N)"
        kill "${leechers[@]}"
        wait "${leechers[@]}" 2>/dev/null || true
        for i in $(seq "$n"); do
            cmp -s "$dir/seed/file.bin" "$dir/peers/$i/file.bin" || { echo "N=$n: peer $i's copy differs" >&2; exit 1; }
        done
        # The next N starts with only the seed in the swarm: every leecher has announced "stopped".
        until [ "$(scrape_count leechers "$hash")" -eq 0 ] && [ "$(scrape_count seeders "$hash")" -eq 1 ]; do sleep 0.1; done
        local measured ratio
        measured="$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')"
        ratio="$(awk -v m="$measured" -v b="$bound" 'BEGIN { printf "%.2f", m / b }')"
        worst="$(best "$worst" "$ratio")"
        printf '%s %s %s %s\n' "$n" "$measured" "$cs" "$bound" >>"$work/dist.dat"
        rows+="$(printf '%4s %12s %14s %10s %22s' "$n" "$measured" "$bound" "$ratio" "$cs")"$'\n'
        echo "N=$n: ${measured} s (P2P bound $bound s)" >&2
    done
    kill "$seed" 2>/dev/null || true

    printf '\nDistribution time: F = %s MiB, u_s = %s B/s, u = u_s/10 = %s B/s per leecher, no download cap, %s pieces\n' \
        "$F_MB" "$us" "$u" "$PIECE"
    printf '%4s %12s %14s %10s %22s\n' "N" "measured s" "P2P bound s" "÷ bound" "client-server bound s"
    printf '%s' "$rows"
    printf 'worst measured / P2P bound: %s (goal ≤ 1.3)\n' "$worst"
    gnuplot <<EOF
set terminal pngcairo size 800,500
set output "$OUT_PNG"
set title "Distribution time of $F_MB MiB to N peers (u_s = $us B/s, u = $u B/s)"
set xlabel "N (leechers)"
set ylabel "seconds"
set logscale x 2
set key top left
plot "$work/dist.dat" using 1:2 with linespoints lw 2 title "layer7 swarm, measured", \
     "" using 1:4 with lines dt 2 title "P2P bound max(F/u_s, NF/(u_s+Nu))", \
     "" using 1:3 with lines dt 3 title "client-server bound NF/u_s"
EOF
    echo "plot: $OUT_PNG"
}

for part in $PARTS; do
    case "$part" in
    throughput) throughput ;;
    distribution) distribution ;;
    *) echo "unknown part: $part" >&2; exit 2 ;;
    esac
done
