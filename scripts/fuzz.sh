#!/usr/bin/env bash
# Builds the libFuzzer targets (clang-14, ASan+UBSan) into build-fuzz/ and runs each
# for FUZZ_SECONDS (default 60) from its seed corpus in fuzz/corpus/ and the inputs
# that once broke it (fuzz/regressions/). New inputs go to a scratch copy. A crash
# fails the script and its input is copied to fuzz/regressions/<target>/: give it a
# name that says what broke, fix the bug and commit both (CTest replays the folder).
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
  seeds=("${root}/fuzz/corpus/${target}")
  [[ -d "${root}/fuzz/regressions/${target}" ]] && seeds+=("${root}/fuzz/regressions/${target}")
  crashes="${root}/build-fuzz/crashes-${target}"
  rm -rf "$crashes" && mkdir -p "$crashes"
  (cd build-fuzz && "./fuzz/fuzz_${target}" -max_total_time="${seconds}" -max_len=65536 \
     -artifact_prefix="${crashes}/" -print_final_stats=1 "$work" "${seeds[@]}" \
     > "fuzz-${target}.log" 2>&1) || {
    tail -40 "build-fuzz/fuzz-${target}.log"
    mkdir -p "fuzz/regressions/${target}"
    cp "$crashes"/* "fuzz/regressions/${target}/" 2>/dev/null || true
    echo "the input that broke ${target} is now in fuzz/regressions/${target}/" >&2
    exit 1
  }
  grep -E "^stat::number_of_executed_units|^Done" "build-fuzz/fuzz-${target}.log" || true
done
