#!/usr/bin/env bash
# Builds everything with AddressSanitizer + UndefinedBehaviorSanitizer into
# build-asan/ and runs the whole test suite (unit and integration) against those
# binaries. Any report fails the run: UBSan does not recover, ASan aborts.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DKLARNA_SANITIZE=ON -DKLARNA_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-asan -j "${JOBS:-2}"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:halt_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd build-asan
ctest --output-on-failure -j 2 "$@"
