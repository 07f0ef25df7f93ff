#!/usr/bin/env bash
# Configure and build into build/ (Release).  Picks up nvcc from
# /usr/local/cuda/bin when it is not already on PATH.
set -eu
cd "$(dirname "$0")/.."
if ! command -v nvcc >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH=/usr/local/cuda/bin:$PATH
fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release ${RMTMC_CMAKE_ARGS:-} >build.log 2>&1 || { cat build.log; exit 1; }
grep -E "rmtmc .*backends|CUDA" build.log || true
cmake --build build -j "$(nproc)"
