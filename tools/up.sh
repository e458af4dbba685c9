#!/usr/bin/env bash
# Builds layer7 (optimised) and runs `layer7 up` on the embedded default config.
# Installs what it needs first (tools/setup.sh build). Extra arguments go to `layer7 up`.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh build
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAYER7_TESTS=OFF >/dev/null
cmake --build build/release -j "$(nproc)" --target layer7
exec build/release/src/cli/layer7 up "$@"
