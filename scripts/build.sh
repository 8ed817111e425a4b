#!/usr/bin/env bash
# Configures and builds into build/ (ccache, 2 jobs: CAF compiles slowly): the two
# binaries, source-klarna and klarna-sandbox, and the tests when asked for
# (scripts/build.sh -DKLARNA_TESTS=ON, as scripts/test.sh does; CMake remembers it).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
cmake --build build -j "${JOBS:-2}"
