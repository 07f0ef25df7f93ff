#!/usr/bin/env bash
# curand_layout.sh: compile tests/curand_layout.cpp, the toolkit's cuRAND
# device-API headers for the host, and run it against include/rmtmc_rng.h.
# Skips (77) when nvcc or the cuRAND headers or a C++ compiler are absent.
#   bash tests/curand_layout.sh SRC_DIR [CUDA_INCLUDE_DIR...]
set -u
src=$1
shift
nvcc=$(command -v nvcc || true)
[ -z "$nvcc" ] && [ -x /usr/local/cuda/bin/nvcc ] && nvcc=/usr/local/cuda/bin/nvcc
if [ -z "$nvcc" ]; then
  echo "nvcc not found (PATH, /usr/local/cuda/bin): skipping"
  exit 77
fi
inc=""
for d in "$@" "$(dirname "$nvcc")/../include" "$(dirname "$nvcc")/../targets/x86_64-linux/include"; do
  if [ -n "$d" ] && [ -f "$d/curand_kernel.h" ] && [ -f "$d/curand_philox4x32_x.h" ] && [ -f "$d/curand_normal.h" ]; then
    inc=$d
    break
  fi
done
if [ -z "$inc" ]; then
  echo "cuRAND device-API headers (curand_kernel.h, curand_philox4x32_x.h, curand_normal.h) not found beside $nvcc: skipping"
  exit 77
fi
cxx=${CXX:-}
[ -z "$cxx" ] && cxx=$(command -v c++ || command -v g++ || command -v clang++ || true)
if [ -z "$cxx" ]; then
  echo "no C++ compiler (c++, g++, clang++) to build the host check: skipping"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# No contraction into fma: the host reference rounds a*b+c in two steps.
if ! "$cxx" -std=c++17 -O2 -ffp-contract=off -I"$inc" -I"$src/include" \
    "$src/tests/curand_layout.cpp" -o "$work/curand_layout" -lm >"$work/build.log" 2>&1; then
  echo "FAIL: the cuRAND headers in $inc did not compile for the host with $cxx:"
  head -40 "$work/build.log"
  exit 1
fi
echo "cuRAND headers: $inc; host compiler: $cxx"
"$work/curand_layout"
