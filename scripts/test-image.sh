#!/usr/bin/env bash
# The image as Airbyte runs it: builds it (scripts/image.sh), runs its own test
# (tests/image) and Airbyte's acceptance checks against it (tests/acceptance with
# ACCEPTANCE_TARGET=image). Needs scripts/build.sh first: klarna-sandbox runs on the
# host, the container reaches it over the host's network.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
scripts/image.sh build
export SOURCE_KLARNA="$PWD/build/source-klarna" KLARNA_SANDBOX="$PWD/build/klarna-sandbox"
export PYTHONDONTWRITEBYTECODE=1
(cd tests/image && /usr/bin/python3 -m unittest -v test_image)
(cd tests/acceptance && ACCEPTANCE_TARGET=image /usr/bin/python3 -m unittest -v test_acceptance)
echo "test-image: $(( $(date +%s) - started )) s (image build and tests)"
