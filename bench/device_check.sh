#!/usr/bin/env bash
# device_check.sh: everything a GPU session must learn, in one run that
# cannot pass by accident.  Steps, most informative first, each with its own
# time limit inside a total budget (later steps are dropped, not squeezed,
# when the time left is short):
#
#   env            nvidia-smi (GPU, driver, compute capability), nvcc, the
#                  CUDA runtime/driver versions seen by torch and CuPy
#   deps           OpenBLAS/LAPACKE: the system's, else the carried .devdeps
#                  unpacked into a private prefix (scripts/devdeps.sh)
#   build          configure for sm_90 (CMAKE_CUDA_ARCHITECTURES=90) and build;
#                  the CUDA backend must be compiled in
#   device         rmtmc opens the GPU: name, sm, compiled code, eigensolver
#                  and cuSOLVER algorithm (ALG_1 or its refusal); --device 99
#                  must be refused with exit 2; the open's code check
#                  (src/backend/cuda/cuda_probe.cu) built for an architecture
#                  the GPU cannot run must refuse it, built for its own accept
#   gpu_tests      ctest -L gpu (not the large ones): every test must PASS;
#                  a skip is a failure here, and so is a count short of the
#                  gpu tests the build registered
#   large          ctest -L large: 70000-trial batches against the CPU
#   studies        bench/studies.py, trials/s of each study on cuda (2000
#                  trials, all in one batch: --batch) and cpu (500)
#   throughput     bench/throughput.py: d = 64..1024, 1000 matrices, rmtmc vs
#                  CuPy and torch, as fractions of the measured floor (rmtmc
#                  cuda with --batch: the 1000 matrices in one batch)
#   solver         build-device/rmtmc_eig_bench: syevBatched ALG_0 vs ALG_1 vs
#                  an Xsyevd loop at d = 256..4096
#   studies_large  bench/studies.py --only-large on cuda (if time is left)
#
#   bash bench/device_check.sh [--budget SECONDS] [--only STEP,..] [--skip STEP,..]
#
# env, deps and build always run (unless --skip names them); --only picks the
# steps after them.  Environment: OUT (where results go; the device tool sets
# it), RMTMC_CHECK_BUDGET (seconds, default 480), RMTMC_CHECK_BUILD (build
# directory, default build-device), RMTMC_CHECK_DEPS (auto | system |
# prefix), RMTMC_CHECK_TRIALS (studies, default 2000).
#
# Output, written as it goes: the summary (one line per step) on stdout and
# in $OUT/summary.md; every step's log in $OUT/steps.log; ctest -V output in
# $OUT/ctest.log; JSON of the benchmarks in $OUT (device.json, studies.json,
# throughput.json, solver.json, studies_large.json): at most 8 files, as the
# device tool brings back.  Without OUT: results/device/.
#
# Exit status: 0 every step ran and passed; 1 a step failed, timed out or
# could not run (no GPU, a skipped GPU test, no CUDA backend); 3 nothing
# failed but steps were dropped for time or left out (--only, --skip), or a
# timing step cut its sizes short.  docs/device.md has the procedure.
set -uo pipefail

# ---------------------------------------------------------------- steps
# Each runs as `bash device_check.sh --step NAME` under timeout, in the repo
# root, with W (work dir), O (output dir), B (build dir) exported; lines
# starting with "> " are its digest in the summary; state for later steps
# goes into $W/state.env.

step_env() {
  local ok=1
  if command -v nvidia-smi >/dev/null 2>&1; then
    nvidia-smi 2>&1 | head -20
    local q
    q=$(nvidia-smi --query-gpu=index,name,driver_version,memory.total,compute_cap --format=csv,noheader 2>&1)
    if [ -n "$q" ] && ! echo "$q" | grep -qiE "fail|error|no devices"; then
      echo "$q" | sed 's/^/> GPU /'
      echo "> driver's CUDA: $(nvidia-smi 2>/dev/null | grep -oE 'CUDA Version: [0-9.]+' | head -1)"
    else
      echo "> FAIL: nvidia-smi lists no GPU: $q"
      ok=0
    fi
  else
    echo "> FAIL: nvidia-smi not found: no NVIDIA driver on this machine"
    ok=0
  fi
  local nvcc
  nvcc=$(command -v nvcc || { [ -x /usr/local/cuda/bin/nvcc ] && echo /usr/local/cuda/bin/nvcc; } || true)
  if [ -n "$nvcc" ]; then
    echo "> nvcc: $("$nvcc" --version | grep -oE 'release [0-9.]+, V[0-9.]+' | head -1) ($nvcc)"
  else
    echo "> FAIL: nvcc not found (PATH, /usr/local/cuda/bin): the CUDA backend cannot be built"
    ok=0
  fi
  echo "> libcuda: $(ldconfig -p 2>/dev/null | grep -m1 -oE 'libcuda\.so\.1 .*' || echo 'not in the loader cache')"
  echo "> cmake: $(cmake --version 2>/dev/null | head -1 || echo MISSING); C compiler: $( (cc --version || gcc --version) 2>/dev/null | head -1 || echo MISSING); $(command -v ninja >/dev/null && echo ninja || echo "make: $(command -v make || echo MISSING)")"
  python3 - <<'PY' 2>&1 | sed 's/^/> /'
try:
    import torch
    ok = torch.cuda.is_available()
    cap = torch.cuda.get_device_capability(0) if ok else None
    print(f"torch {torch.__version__}: CUDA {torch.version.cuda}, device available {ok}, capability {cap}")
except Exception as e:
    print(f"torch: {e}")
try:
    import cupy as cp
    rt, dv = cp.cuda.runtime.runtimeGetVersion(), cp.cuda.runtime.driverGetVersion()
    print(f"cupy {cp.__version__}: runtime {rt // 1000}.{rt % 1000 // 10}, driver supports CUDA {dv // 1000}.{dv % 1000 // 10}")
except Exception as e:
    print(f"cupy: {e}")
PY
  [ $ok -eq 1 ] || { echo "GPU=0" >>"$W/state.env"; return 1; }
  echo "GPU=1" >>"$W/state.env"
}

step_deps() {
  local mode=${RMTMC_CHECK_DEPS:-auto} probe="$W/probe_blas"
  printf '#include <cblas.h>\n#include <lapacke.h>\nint main(void){double a=1; return (int)cblas_ddot(1,&a,1,&a,1) - 1 + 0 * LAPACKE_dlapy2(1.0, 1.0);}\n' >"$probe.c"
  local cc
  cc=$(command -v cc || command -v gcc || echo cc)
  if [ "$mode" != prefix ] && "$cc" "$probe.c" -o "$probe" -llapacke -lopenblas >"$W/probe.log" 2>&1 && "$probe"; then
    echo "> system OpenBLAS and LAPACKE: usable (a CBLAS + LAPACKE program compiled, linked and ran)"
    echo "DEPS_ARGS=" >>"$W/state.env"
    return 0
  fi
  [ "$mode" = system ] && { echo "> FAIL: RMTMC_CHECK_DEPS=system but $(head -c 300 "$W/probe.log")"; return 1; }
  [ "$mode" = prefix ] || echo "> system OpenBLAS/LAPACKE not usable: $(grep -m1 -iE 'error|cannot|not found' "$W/probe.log" || echo 'the probe program failed')"
  if ! ls .devdeps/*.deb >/dev/null 2>&1; then
    echo "> FAIL: no .devdeps/*.deb here: run 'bash scripts/devdeps.sh fetch' on a Debian machine and name .devdeps in the device tool's carry (docs/device.md)"
    return 1
  fi
  local p="$B-devdeps" # beside the build dir: a rerun finds the same paths
  bash scripts/devdeps.sh unpack "$p" || { echo "> FAIL: unpacking .devdeps failed (above)"; return 1; }
  head -3 .devdeps/MANIFEST 2>/dev/null | sed 's/^/  /'
  if ! LD_LIBRARY_PATH="$p/lib" "$cc" "$probe.c" -o "$probe" -I"$p/include" -L"$p/lib" -llapacke -lopenblas >"$W/probe.log" 2>&1 ||
     ! LD_LIBRARY_PATH="$p/lib" "$probe"; then
    echo "> FAIL: a CBLAS + LAPACKE program does not build or run against the prefix: $(head -c 300 "$W/probe.log")"
    return 1
  fi
  echo "> OpenBLAS and LAPACKE from .devdeps ($(ls .devdeps/*.deb | wc -l) packages) in $p: a CBLAS + LAPACKE program built and ran against it"
  {
    echo "DEPS_ARGS=\"$(bash scripts/devdeps.sh cmake-args "$p")\""
    echo "DEPS_LIB=\"$p/lib\""
  } >>"$W/state.env"
}

step_build() {
  # shellcheck disable=SC1091
  . "$W/state.env"
  local gen=""
  command -v ninja >/dev/null 2>&1 && gen="-G Ninja"
  [ -n "$gen" ] && [ -f "$B/CMakeCache.txt" ] && ! grep -q "CMAKE_GENERATOR:INTERNAL=Ninja" "$B/CMakeCache.txt" && rm -rf "$B"
  # a cache that found OpenBLAS elsewhere than now (system <-> prefix, or a
  # moved prefix) would keep the old paths: start the configuration afresh
  if [ -f "$B/CMakeCache.txt" ]; then
    local lib
    lib=$(grep -m1 -oE '=[^;]*libopenblas[^;]*\.so' "$B/CMakeCache.txt" | cut -c2- || true)
    local stale=0
    if [ -n "${DEPS_LIB:-}" ]; then
      grep -E 'libopenblas[^;]*\.so' "$B/CMakeCache.txt" | grep -qv "$DEPS_LIB/" && stale=1
    elif [[ "$lib" == *devdeps* ]]; then
      stale=1
    fi
    if [ $stale -eq 1 ]; then
      echo "the cache found OpenBLAS at $lib: configuring afresh"
      rm -f "$B/CMakeCache.txt"
    fi
  fi
  # shellcheck disable=SC2086
  if ! cmake -S . -B "$B" $gen -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES=90 ${DEPS_ARGS:-} >"$W/configure.log" 2>&1; then
    tail -40 "$W/configure.log"
    echo "> FAIL: configure failed: $(grep -m1 -E 'Error|error' "$W/configure.log")"
    return 1
  fi
  grep -E "rmtmc" "$W/configure.log"
  if ! grep -q "CUDA backend enabled" "$W/configure.log"; then
    echo "> FAIL: the CUDA backend is not compiled in: $(grep -m1 'CUDA backend' "$W/configure.log")"
    return 1
  fi
  echo "> $(grep -m1 'CUDA backend enabled' "$W/configure.log" | sed 's/^-- //')"
  if ! cmake --build "$B" -j "$(nproc)" >"$W/build.log" 2>&1; then
    grep -E "error|Error" "$W/build.log" | head -30
    echo "> FAIL: the build failed: $(grep -m1 -E 'error' "$W/build.log")"
    return 1
  fi
  local v
  v=$("$B/rmtmc" --version 2>&1)
  echo "> $v"
  case "$v" in *cuda*) ;; *) echo "> FAIL: rmtmc has no CUDA backend"; return 1 ;; esac
  if command -v cuobjdump >/dev/null 2>&1; then
    echo "> kernels: $(cuobjdump --list-elf "$B/rmtmc" 2>/dev/null | grep -oE 'sm_[0-9]+a?' | sort | uniq -c | tr '\n' ' ')"
  fi
}

step_device() {
  local rc=0 fail=0
  "$B/rmtmc" spectrum --backend cuda --d 64 --n 128 --trials 64 --quiet --json "$O/device.json" 2>"$W/device.err" || rc=$?
  if [ $rc -ne 0 ]; then
    echo "> FAIL: rmtmc cannot use the GPU (exit $rc): $(cat "$W/device.err")"
    fail=1
  elif ! python3 - "$O/device.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
b = r["backend"]
print(f"> {b['name']}: {b['device']}; {b['versions']}")
print(f"> GPU {b['device_ordinal']}, compute capability {b['compute_capability']}, code {b['archs']}")
alg = f" ({b['solver_algorithm']})" if b["solver_algorithm"] else ""
print(f"> eigensolver {b['solver']}{alg}; ALG_1 refused: {b['solver_alg1_refused']}" + (f"; {b['solver_note']}" if b["solver_note"] else ""))
print(f"> set-up {r['timing']['setup_seconds']:.3f} s of {r['timing']['seconds']:.3f} s (batch {b['batch']})")
sys.exit(0 if b["name"] == "cuda" and b["solver"] and b["device_ordinal"] == 0 else 1)
PY
  then
    echo "> FAIL: the result does not say it ran on GPU 0 with a named eigensolver"
    fail=1
  fi
  rc=0
  "$B/rmtmc" spectrum --backend cuda --device 99 --d 8 --n 16 --trials 2 --quiet 2>"$W/device99.err" || rc=$?
  if [ $rc -ne 2 ]; then
    echo "> FAIL: --backend cuda --device 99 exited $rc, not 2: $(cat "$W/device99.err")"
    fail=1
  elif ! grep -q "device 99" "$W/device99.err"; then
    echo "> FAIL: --backend cuda --device 99 exited 2, but not for want of device 99: $(cat "$W/device99.err")"
    fail=1
  else
    echo "> --device 99 refused (exit 2): $(cat "$W/device99.err")"
  fi
  # the code check runs even when rmtmc could not open the GPU: it tells
  # whether the refusal (if that was it) is right
  probe_check || fail=1
  return $fail
}

# The open's code check alone: cuda_probe.cu built for an architecture whose
# code this GPU cannot run (another major version, SASS only) must answer
# cudaErrorNoKernelImageForDevice (or InvalidDeviceFunction), built for the
# GPU's own must answer cudaSuccess with that binary version.
probe_check() {
  local cap major own other
  cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1 | tr -d ' ')
  major=${cap%%.*}
  own=$(echo "$cap" | tr -d .)
  case "$major" in ''|*[!0-9]*) echo "> FAIL: no compute capability from nvidia-smi ('$cap')"; return 1 ;; esac
  if [ "$major" -ge 9 ]; then other=80; else other=90; fi
  cat >"$W/probe_main.cu" <<'CU'
#include <cstdio>
#include <cuda_runtime.h>
extern "C" cudaError_t cuda_probe_image(int device, int *binary_version, int *ptx_version);
int main() {
  int b = 0, p = 0;
  cudaError_t e = cuda_probe_image(0, &b, &p);
  std::printf("%s %d\n", cudaGetErrorName(e), b);
  return 0;
}
CU
  local a r
  for a in "$other" "$own"; do
    if ! nvcc -gencode "arch=compute_$a,code=sm_$a" src/backend/cuda/cuda_probe.cu "$W/probe_main.cu"         -o "$W/probe_$a" >"$W/probe_$a.log" 2>&1; then
      echo "> FAIL: the probe does not build for sm_$a: $(head -c 300 "$W/probe_$a.log")"
      return 1
    fi
    r=$("$W/probe_$a" 2>&1)
    if [ "$a" = "$own" ]; then
      [ "$r" = "cudaSuccess $own" ] || { echo "> FAIL: the probe built for sm_$own (this GPU's) answers '$r', not 'cudaSuccess $own'"; return 1; }
    else
      case "$r" in
        cudaErrorNoKernelImageForDevice*|cudaErrorInvalidDeviceFunction*) ;;
        *) echo "> FAIL: the probe built for sm_$a only answers '$r' on this sm_$own GPU: the open's code check would not refuse it"; return 1 ;;
      esac
    fi
    echo "> code check: the probe built for sm_$a answers '$r' on this sm_$own GPU"
  done
}

# ctest on a label; every selected test must PASS (a skip fails here), and
# as many must pass as the build registered (ctest -N), at least one.
run_ctest() {
  local label=$1 exclude=$2 rc=0 want
  local args=(-L "$label")
  [ -n "$exclude" ] && args+=(-LE "$exclude")
  want=$(ctest --test-dir "$B" -N "${args[@]}" 2>/dev/null | grep -cE "^ *Test +#")
  [ "$want" -ge 1 ] || { echo "> FAIL: the build registered no test for ctest ${args[*]}"; return 1; }
  echo "== ctest ${args[*]}" >>"$O/ctest.log"
  ctest --test-dir "$B" "${args[@]}" -V --timeout 150 >"$W/ctest_$label.log" 2>&1 || rc=$?
  cat "$W/ctest_$label.log" >>"$O/ctest.log"
  grep -E "^ *[0-9]+/[0-9]+ Test +#" "$W/ctest_$label.log" | sed 's/^ */> /'
  grep -E "^[0-9]+: [0-9]+ passed, [0-9]+ failed" "$W/ctest_$label.log" | sed 's/^/  /'
  local np ns nf
  np=$(grep -cE "^ *[0-9]+/[0-9]+ Test +#.* Passed" "$W/ctest_$label.log")
  ns=$(grep -cE "^ *[0-9]+/[0-9]+ Test +#.*Skipped" "$W/ctest_$label.log")
  nf=$(grep -cE "^ *[0-9]+/[0-9]+ Test +#.*(Failed|Timeout|Not Run|Exception|SEGFAULT|Child aborted)" "$W/ctest_$label.log")
  echo "PASSED_$label=$np" >>"$W/state.env"
  if [ "$ns" -gt 0 ]; then
    echo "> FAIL: $ns test(s) SKIPPED: a GPU test may not skip here ($(grep -m1 -iE 'skipping|not available' "$W/ctest_$label.log"))"
    return 1
  fi
  if [ "$nf" -gt 0 ] || [ $rc -ne 0 ]; then
    echo "> FAIL: $nf test(s) failed (ctest exit $rc)"
    return 1
  fi
  if [ "$np" -lt "$want" ]; then
    echo "> FAIL: only $np test(s) passed, $want expected"
    return 1
  fi
  echo "> all $np passed"
}

step_gpu_tests() { run_ctest gpu large; }
step_large() { run_ctest large ""; }

step_studies() {
  python3 bench/studies.py --rmtmc "$B/rmtmc" --backends cuda,cpu --trials "${RMTMC_CHECK_TRIALS:-2000}" \
    --cpu-trials 500 --json "$O/studies.json" >"$W/studies.md" 2>&1
  local rc=$?
  cat "$W/studies.md"
  grep -E "^## " "$W/studies.md" | sed 's/^## /> /'
  return $rc
}

# Timing steps exit 3 when they dropped sizes for time (INCOMPLETE, not FAIL).
step_throughput() {
  python3 bench/throughput.py --rmtmc "$B/rmtmc" --sizes 64,128,256,512,1024 --trials 1000 --seconds 6 \
    --deadline $((LIMIT - 40)) --json "$O/throughput.json"
}

step_solver() {
  "$B/rmtmc_eig_bench" --sizes 256,512,1024,2048,4096 --seconds $((LIMIT - 15)) --json "$O/solver.json"
}

step_studies_large() {
  python3 bench/studies.py --rmtmc "$B/rmtmc" --backends cuda --trials 200 --only-large \
    --json "$O/studies_large.json" >"$W/studies_large.md" 2>&1
  local rc=$?
  cat "$W/studies_large.md"
  grep -E "^## " "$W/studies_large.md" | sed 's/^## /> /'
  return $rc
}

if [ "${1:-}" = "--step" ]; then
  # shellcheck disable=SC1091
  [ -f "$W/state.env" ] && . "$W/state.env"
  [ -n "${DEPS_LIB:-}" ] && export LD_LIBRARY_PATH="$DEPS_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  "step_$2"
  exit $?
fi

# ---------------------------------------------------------------- driver
cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
budget=${RMTMC_CHECK_BUDGET:-480}
only="" skip=""
while [ $# -gt 0 ]; do
  case "$1" in
    --budget) budget=$2; shift 2 ;;
    --only) only=",$2,"; shift 2 ;;
    --skip) skip=",$2,"; shift 2 ;;
    *) sed -n '2,/^set -uo pipefail/p' "$0" | grep '^#'; exit 2 ;;
  esac
done
export O=${OUT:-$ROOT/results/device}
export B=${RMTMC_CHECK_BUILD:-$ROOT/build-device}
case "$B" in /*) ;; *) B=$ROOT/$B ;; esac
mkdir -p "$O"
export W
W=$(mktemp -d "${TMPDIR:-/tmp}/rmtmc-device-check.XXXXXX")
trap 'rm -rf "$W"' EXIT
export PATH="/usr/local/cuda/bin:$PATH:/usr/local/nvidia/bin" PYTHONUNBUFFERED=1
: >"$W/state.env"
: >"$O/steps.log"
: >"$O/ctest.log"
rm -f "$O"/{device,studies,throughput,solver,studies_large}.json
t0=$(date +%s)
RESERVE=10

# name  limit(s)  minimum(s)  needs (a previous step that must have passed)
STEPS="env:30:5:
deps:60:10:
build:240:60:deps
device:45:10:build
gpu_tests:180:30:build
large:90:20:build
studies:90:20:device
throughput:150:40:device
solver:100:20:device
studies_large:60:20:device"

declare -A status
rows=()
failed=0 dropped=0
{
  echo "# rmtmc device check, $(date -u +%Y-%m-%dT%H:%M:%SZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo 'unknown (no .git)') on $(uname -n)"
  echo "budget ${budget} s; results in $O"
  echo
  echo "| step | status | seconds | limit | result |"
  echo "|---|---|---|---|---|"
} | tee "$O/summary.md"

record() { # name status seconds limit digest
  rows+=("$(printf '%-14s %-18s %5s s of %4s s' "$1" "$2" "$3" "$4")")
  echo "| $1 | $2 | $3 | $4 | $5 |" | tee -a "$O/summary.md"
}

while IFS=: read -r name limit minimum needs; do
  [ -z "$name" ] && continue
  case "$skip" in *",$name,"*) status[$name]=OMITTED; record "$name" "not run (--skip)" 0 "$limit" ""; dropped=1; continue ;; esac
  if [ -n "$only" ] && [ "$name" != env ] && [ "$name" != deps ] && [ "$name" != build ]; then
    case "$only" in *",$name,"*) ;; *) status[$name]=OMITTED; dropped=1; continue ;; esac
  fi
  if [ -n "$needs" ] && [ "${status[$needs]:-}" != PASS ]; then
    status[$name]=NOTRUN
    record "$name" "NOT RUN" 0 "$limit" "needs $needs, which did not pass"
    failed=1
    continue
  fi
  left=$((budget - ($(date +%s) - t0) - RESERVE))
  if [ "$left" -lt "$minimum" ]; then
    status[$name]=DROPPED
    record "$name" "DROPPED" 0 "$limit" "${left} s left, needs at least ${minimum} s"
    dropped=1
    continue
  fi
  t=$limit
  [ "$left" -lt "$t" ] && t=$left
  echo "=== $name (limit ${t} s)" | tee -a "$O/steps.log"
  s0=$(date +%s)
  # the step's log goes to steps.log as it is written (a run cut short keeps it)
  LIMIT=$t timeout -k 10 "$t" bash "$ROOT/bench/device_check.sh" --step "$name" 2>&1 |
    tee "$W/step_$name.log" >>"$O/steps.log"
  rc=${PIPESTATUS[0]}
  el=$(($(date +%s) - s0))
  digest=$(grep -E '^> ' "$W/step_$name.log" | sed 's/^> //' | tr '\n' ';' | sed 's/;$//; s/|/\//g' | cut -c1-1500)
  grep -E '^> ' "$W/step_$name.log" | sed 's/^/  /'
  if [ $rc -eq 0 ]; then
    status[$name]=PASS
    record "$name" PASS "$el" "$t" "$digest"
  elif [ $rc -eq 3 ]; then # ran and passed, but cut its own work short for time
    status[$name]=PASS
    record "$name" "INCOMPLETE" "$el" "$t" "$digest"
    dropped=1
  elif [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
    status[$name]=TIMEOUT
    record "$name" "FAIL (timed out)" "$el" "$t" "$digest"
    failed=1
  else
    status[$name]=FAIL
    tail_line=$(grep -vE '^> ' "$W/step_$name.log" | grep -v '^\s*$' | tail -1 | cut -c1-300 | sed 's/|/\//g')
    record "$name" "FAIL (exit $rc)" "$el" "$t" "${digest:-$tail_line}"
    failed=1
  fi
done <<<"$STEPS"

total=$(($(date +%s) - t0))
echo
echo "step           status              time"
printf '%s\n' "${rows[@]}"
# shellcheck disable=SC1091
. "$W/state.env"
gpu_passed=${PASSED_gpu:-0}
{
  echo
  echo "total ${total} s of the ${budget} s budget"
  if [ "${status[gpu_tests]:-}" = PASS ]; then
    echo "GPU tests: all ${gpu_passed} passed on the GPU$([ "${status[large]:-}" = PASS ] && echo ", and the ${PASSED_large:-0} large-batch tests")."
  elif [ "${status[gpu_tests]:-}" = OMITTED ]; then
    echo "GPU tests: not selected (--only / --skip)."
  else
    echo "NO GPU TEST RAN TO COMPLETION: gpu_tests is ${status[gpu_tests]:-not run} (${gpu_passed} passed on a GPU); this run proves nothing about the CUDA backend."
  fi
  if [ $failed -ne 0 ]; then echo "RESULT: FAIL (exit 1)"
  elif [ $dropped -ne 0 ]; then echo "RESULT: INCOMPLETE, steps dropped for time or left out (exit 3)"
  else echo "RESULT: PASS (exit 0)"; fi
} | tee -a "$O/summary.md"
[ $failed -ne 0 ] && exit 1
[ $dropped -ne 0 ] && exit 3
exit 0
