#!/usr/bin/env bash
# One command: install what is missing, build, run the test suite (ctest).
# GPU tests (label gpu) skip when no CUDA device is present.
set -eu
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
ctest --test-dir build --output-on-failure -j 2 "$@"
