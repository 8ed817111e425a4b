#!/usr/bin/env bash
# The test command: installs dependencies, builds, runs every unit and integration test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DKLARNA_TESTS=ON
cd build
ctest --output-on-failure -j 2 "$@"
