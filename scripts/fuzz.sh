#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan+UBSan) into build-fuzz/ and runs each
# for FUZZ_SECONDS (default 60) from its seed corpus in fuzz/corpus/. New inputs go
# to a scratch copy; a crash leaves its input in build-fuzz/ and fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
cmake -S . -B build-fuzz -DKLARNA_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_COMPILER=clang++-14 >/dev/null
cmake --build build-fuzz -j "${JOBS:-2}"
root="$(pwd)"
for target in page_parser config catalog_state next_link; do
  work="${root}/build-fuzz/corpus-${target}"
  rm -rf "$work" && mkdir -p "$work"
  echo "fuzzing ${target} for ${seconds} s"
  # Crash inputs land in build-fuzz/ (libFuzzer writes them to the working directory).
  (cd build-fuzz && "./fuzz/fuzz_${target}" -max_total_time="${seconds}" -max_len=65536 \
     -print_final_stats=1 "$work" "${root}/fuzz/corpus/${target}" > "fuzz-${target}.log" 2>&1) \
    || { tail -40 "build-fuzz/fuzz-${target}.log"; exit 1; }
  grep -E "^stat::number_of_executed_units|^Done" "build-fuzz/fuzz-${target}.log" || true
done
