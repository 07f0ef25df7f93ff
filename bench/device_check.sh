#!/usr/bin/env bash
# The GPU checks in one run, for a machine with a CUDA device (H200: sm_90):
# build for it, run the tests labelled gpu (CPU against CUDA trial for trial,
# the statistical tests on the CUDA backend), then the studies' trials per
# second on both backends and the spectrum throughput.  Results under
# ${OUT:-results/device} (ctest log, JSON, markdown tables).
#   bash bench/device_check.sh [trials]      (default 2000 trials per study)
set -u
cd "$(dirname "$0")/.."
out=${OUT:-results/device}
trials=${1:-2000}
mkdir -p "$out"
export PATH=/usr/local/cuda/bin:$PATH
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 >"$out/configure.log" 2>&1 || { cat "$out/configure.log"; exit 1; }
cmake --build build -j "$(nproc)" >"$out/build.log" 2>&1 || { tail -40 "$out/build.log"; exit 1; }
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv >"$out/gpu.txt" 2>&1
ctest --test-dir build -L gpu --output-on-failure >"$out/ctest_gpu.log" 2>&1
echo "gpu tests: $(grep -E 'tests passed|tests failed' "$out/ctest_gpu.log")"
python3 bench/studies.py --backends cuda,cpu --trials "$trials" --json "$out/studies.json" >"$out/studies.md" 2>&1
python3 bench/studies.py --backends cuda --trials "$trials" --large --json "$out/studies_large.json" >"$out/studies_large.md" 2>&1
grep -E '^## ' "$out/studies.md" "$out/studies_large.md"
python3 bench/throughput.py --backends cuda,cpu --seconds 20 --json "$out/throughput.json" >"$out/throughput.md" 2>&1
tail -12 "$out/throughput.md"
