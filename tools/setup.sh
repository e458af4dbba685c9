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
test_pkgs=(libgtest-dev libgmock-dev clang libclang-rt-14-dev clang-format-14 python3-pytest
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

# fetch_npm PACKAGE VERSION WHAT: vendors an npm package, pinned, with its dependencies into
# vendor/PACKAGE/node_modules (--ignore-scripts: no install scripts, no native modules built); kept
# while the vendored version is the pinned one. Skipped with a line on stderr when npm is missing
# or its registry unreachable: the tests that need it then skip (or fail under LAYER7_REQUIRE_TOOLS).
fetch_npm() {
    local package="$1" version="$2" what_for="$3" dir
    dir="$(cd "$(dirname "$0")/.." && pwd)/vendor/$package"
    grep -qs "\"version\": \"$version\"" "$dir/node_modules/$package/package.json" && return 0
    command -v npm >/dev/null || { echo "setup: npm missing: no $package for $what_for" >&2; return 0; }
    local tmp; tmp="$(mktemp -d)"
    if (cd "$tmp" && echo '{"private": true}' >package.json &&
        timeout 300 npm install --silent --no-audit --no-fund --ignore-scripts "$package@$version" >/dev/null 2>&1); then
        rm -rf "$dir"
        mkdir -p "$(dirname "$dir")"
        mv "$tmp" "$dir"
    else
        echo "setup: npm's registry unreachable: no $package for $what_for" >&2
        rm -rf "$tmp"
    fi
}
fetch_test_packages() {
    # imapflow, a Node.js IMAP client (tests/interop/imap/test_imapflow.py): the 1.0 line runs on
    # Debian 12's Node.js 18, 2.x wants 20.
    fetch_npm imapflow 1.0.200 "the IMAP tests"
    # bittorrent-tracker, WebTorrent's tracker (its server runs in test_npm_tracker.py): engines
    # Node.js >= 16; its WebRTC client's native module, left out, is not loaded by the server.
    fetch_npm bittorrent-tracker 11.2.3 "the torrent tests"
}
fetch_vendored() {
    fetch_dashjs
    [ "$what" = build ] || fetch_test_packages
}
trap fetch_vendored EXIT

missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# npm fetches dash.js, imapflow and bittorrent-tracker (fetch_dashjs, fetch_npm above); a Node.js from elsewhere
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
