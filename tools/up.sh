#!/usr/bin/env bash
# Builds layer7 (optimised) and runs `layer7 up` on the embedded default config.
# Installs what it needs first (tools/setup.sh build). Extra arguments go to `layer7 up`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh build
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAYER7_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target layer7
# The "try it" commands `layer7 up` prints start with `layer7`: put it on PATH (a link to this build).
bin=/usr/local/bin
[ -w "$bin" ] || { bin="$HOME/.local/bin"; mkdir -p "$bin"; }
ln -sf "$PWD/build/release/src/cli/layer7" "$bin/layer7"
echo "layer7 is linked from $bin/layer7 (cmake --install build/release installs it for good)"
exec build/release/src/cli/layer7 up "$@"
