#!/usr/bin/env bash
# Installs the Debian 12 packages layer7 needs. Idempotent and non-interactive.
#   tools/setup.sh build    compiler, libraries (enough for `layer7 up`)
#   tools/setup.sh test     + test tools and the real peers the interop tests drive
#   tools/setup.sh bench    + load generators and the specialised peers for bench/
set -euo pipefail
what="${1:-build}"

build_pkgs=(g++ cmake ninja-build ccache pkg-config
    libasio-dev libssl-dev libnghttp2-dev zlib1g-dev libtomlplusplus-dev libcli11-dev
    libspdlog-dev libfmt-dev nlohmann-json3-dev libcrypt-dev openssl
    libavformat-dev libavcodec-dev libavutil-dev
    curl swaks dnsutils)  # the clients `layer7 up`'s "try it" column names
test_pkgs=(libgtest-dev libgmock-dev clang libclang-rt-14-dev python3-pytest
    netcat-openbsd curl procps iproute2 lftp wget vsftpd socat fetchmail dovecot-pop3d dovecot-imapd isync mutt tmux chromium
    dnsutils knot-dnsutils ldnsutils nginx-light swaks libnet-ssleay-perl postfix unbound nsd dns-root-data
    knot python3-dnspython  # DNS UPDATE/NOTIFY/IXFR: Knot as a secondary, dnspython for hand-made TSIG
    nghttp2-client python3-h2 aria2 python3-libtorrent transmission-cli python3-websockets node-ws
    opentracker  # BitTorrent: Debian builds it in whitelist mode; tests run their own on loopback
    ffmpeg  # DASH: stream make/live publishing
    gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
    gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-rtsp python3-gi gir1.2-gst-rtsp-server-1.0 vlc-bin vlc-plugin-base
    man-db groff-base)  # layer7(1) rendered by the cli interop test
bench_pkgs=(wrk nghttp2-client nginx-light h2o dnsperf nsd unbound libbenchmark-dev varnish libboost-dev node-ws
    lighttpd bind9  # bind9: named, the primary bench/dns_update.sh compares with
    gnuplot-nox)  # bench/torrent.sh's distribution-time plot

pkgs=("${build_pkgs[@]}")
case "$what" in
    build) ;;
    test) pkgs+=("${test_pkgs[@]}") ;;
    bench) pkgs+=("${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
    *) echo "usage: $0 build|test|bench" >&2; exit 2 ;;
esac

# dash.js for the DASH demo page (/dash.html), vendored from npm at set-up time (served by layer7
# itself, never from a CDN). Pinned; skipped when npm is missing or its registry unreachable.
fetch_dashjs() {
    local dir; dir="$(cd "$(dirname "$0")/.." && pwd)/vendor/dashjs"
    [ -s "$dir/dash.all.min.js" ] && return 0
    command -v npm >/dev/null || { echo "setup: npm missing: no dash.js for the DASH demo" >&2; return 0; }
    local tmp; tmp="$(mktemp -d)"
    if (cd "$tmp" && timeout 120 npm pack --silent dashjs@4.7.4 >/dev/null 2>&1) &&
        tar -xzf "$tmp"/dashjs-4.7.4.tgz -C "$tmp" package/dist/dash.all.min.js package/LICENSE.md; then
        mkdir -p "$dir"
        cp "$tmp/package/dist/dash.all.min.js" "$tmp/package/LICENSE.md" "$dir/"
    else
        echo "setup: npm's registry unreachable: no dash.js for the DASH demo" >&2
    fi
    rm -rf "$tmp"
}

# imapflow (a Node.js IMAP client, tests/interop/imap/test_imapflow.py), vendored from npm at set-up
# time with its dependencies into vendor/imapflow/node_modules. Pinned to 1.0.200: the 1.0 line runs
# on Debian 12's Node.js 18, 2.x wants 20. Skipped when npm is missing or its registry
# unreachable.
fetch_imapflow() {
    local dir; dir="$(cd "$(dirname "$0")/.." && pwd)/vendor/imapflow"
    grep -qs '"version": "1.0.200"' "$dir/node_modules/imapflow/package.json" && return 0
    command -v npm >/dev/null || { echo "setup: npm missing: no imapflow for the IMAP tests" >&2; return 0; }
    local tmp; tmp="$(mktemp -d)"
    if (cd "$tmp" && echo '{"private": true}' >package.json &&
        timeout 300 npm install --silent --no-audit --no-fund --ignore-scripts imapflow@1.0.200 >/dev/null 2>&1); then
        rm -rf "$dir"
        mkdir -p "$(dirname "$dir")"
        mv "$tmp" "$dir"
    else
        echo "setup: npm's registry unreachable: no imapflow for the IMAP tests" >&2
        rm -rf "$tmp"
    fi
}
# bittorrent-tracker (WebTorrent's Node.js tracker; its server runs in
# tests/interop/torrent/test_npm_tracker.py), vendored the same way into vendor/bittorrent-tracker.
# Pinned to 11.2.3 (engines: Node.js >= 16, so Debian 12's 18 runs it). --ignore-scripts leaves out
# the WebRTC client's native module, which the server does not load.
fetch_bittorrent_tracker() {
    local dir; dir="$(cd "$(dirname "$0")/.." && pwd)/vendor/bittorrent-tracker"
    grep -qs '"version": "11.2.3"' "$dir/node_modules/bittorrent-tracker/package.json" && return 0
    command -v npm >/dev/null || { echo "setup: npm missing: no bittorrent-tracker for the torrent tests" >&2; return 0; }
    local tmp; tmp="$(mktemp -d)"
    if (cd "$tmp" && echo '{"private": true}' >package.json &&
        timeout 300 npm install --silent --no-audit --no-fund --ignore-scripts bittorrent-tracker@11.2.3 >/dev/null 2>&1); then
        rm -rf "$dir"
        mkdir -p "$(dirname "$dir")"
        mv "$tmp" "$dir"
    else
        echo "setup: npm's registry unreachable: no bittorrent-tracker for the torrent tests" >&2
        rm -rf "$tmp"
    fi
}
fetch_vendored() {
    fetch_dashjs
    [ "$what" = build ] || { fetch_imapflow; fetch_bittorrent_tracker; }
}
trap fetch_vendored EXIT

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# npm fetches dash.js, imapflow and bittorrent-tracker (the fetch_* functions above); a Node.js from elsewhere
# (NodeSource) brings its own npm and conflicts with Debian's package, so the package is wanted only
# when the command is missing.
[ "$what" = test ] && ! command -v npm >/dev/null && missing+=(npm)
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
# Packaged daemons (nginx, nsd, unbound…) must not start on install: tests and benchmarks
# start their own instances on loopback with their own configs.
if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee /usr/sbin/policy-rc.d >/dev/null
    $sudo chmod +x /usr/sbin/policy-rc.d
fi
export DEBIAN_FRONTEND=noninteractive
# postfix: no /etc/postfix/main.cf set-up; tests run their own instances with a temp config_directory.
echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
