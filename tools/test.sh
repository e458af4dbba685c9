#!/usr/bin/env bash
# Builds layer7 under ASan+UBSan and runs every test: unit (GoogleTest), interop (pytest driving
# real clients and peers on loopback) and a short libFuzzer run of every fuzz target over its corpus.
# Installs what it needs first (tools/setup.sh test). Exit status: 0 only if everything passed.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh test
tools/check_layers.sh  # layers, namespaces and layout: no build needed, so first

# ccache hits across clones in other directories (CI builds a fresh clone each time)
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
jobs="$(nproc)"

cmake -S . -B build/test -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLAYER7_SANITIZE=ON >/dev/null
cmake --build build/test -j "$jobs"
# The optimised build users get from tools/up.sh must compile too, warnings as errors.
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAYER7_TESTS=OFF >/dev/null
cmake --build build/release -j "$jobs" --target layer7
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
# Twice as many tests as cores: the interop folders spend much of their time waiting on real
# clients and real time (players, swarms, relays), so two per core keep both cores busy. On the
# 2-core CI machine: 16 min 17 s for this step instead of about 19.5 with one per core.
ctest --test-dir build/test --output-on-failure -j "$((jobs * 2))" --timeout 900 | tee "$log"

CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DLAYER7_FUZZ=ON -DLAYER7_TESTS=OFF >/dev/null
cmake --build build/fuzz -j "$jobs" --target fuzz_targets
ctest --test-dir build/fuzz --output-on-failure -j "$jobs" -L fuzz | tee -a "$log"

# One closing line over both ctest runs ("N passed, N failed").
awk '/tests passed, [0-9]+ tests failed out of/ { total += $NF; failed += $4 }
     END { printf "all: %d passed, %d failed\n", total - failed, failed }' "$log"
