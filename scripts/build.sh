#!/usr/bin/env bash
# Configures and builds everything into build/ (ccache, 2 jobs: CAF compiles slowly).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j "${JOBS:-2}"
