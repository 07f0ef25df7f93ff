#!/usr/bin/env bash
# generative / ridge: every bad input gives exit 2, one clear line on stderr
# and no output file; valid runs write valid JSON.
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"

printf '1\n2\nabc\n' >"$work/bad_alpha.txt"
printf '1\n2\n3\n' >"$work/short_alpha.txt"
printf '1 0 0\n0 1\n' >"$work/bad_means.txt"

expect_bad "gamma = 0" "must be > 0" generative contexts --gamma 0.1,0
expect_bad "negative gamma" "must be > 0" generative mixture --gamma -1
expect_bad "malformed gamma" "comma-separated" generative contexts --gamma 0.1,,x
expect_bad "rho = 0" "rho" generative contexts --rho 0
expect_bad "rho < 0 (mixture)" "rho" generative mixture --rho -2
expect_bad "K = 0" "must be >= 1" generative contexts --k 0
expect_bad "C = 0" "must be >= 1" generative mixture --classes 0
expect_bad "c = K^L too large" "too large" generative contexts --k 10 --context-len 12
expect_bad "c too large for memory" "memory" generative contexts --contexts 3000000
expect_bad "unknown model" "contexts or mixture" generative foo
expect_bad "unknown counts" "fixed or multinomial" generative contexts --counts poisson
expect_bad "unknown alpha" "uniform or file" generative contexts --alpha zipf
expect_bad "missing alpha file" "cannot open" generative contexts --contexts 3 --alpha file:$work/missing.txt
expect_bad "malformed alpha file" "not a number" generative contexts --contexts 3 --alpha file:$work/bad_alpha.txt
expect_bad "alpha file of the wrong length" "need c = 4" generative contexts --contexts 4 --alpha file:$work/short_alpha.txt
expect_bad "malformed means file" "need d = 3" generative mixture --d 3 --means file:$work/bad_means.txt
expect_bad "one trial" "trials" generative mixture --trials 1
expect_bad "lambda = 0" "must be > 0" ridge --lambda 0
expect_bad "negative lambda" "must be > 0" ridge --lambda 0.1,-1
expect_bad "negative noise" "noise" ridge --noise -1
expect_bad "bad sigma" "not understood" ridge --sigma wishart
expect_bad "ridge too large" "memory" ridge --d 2000000 --n 2000000
expect_bad "unknown option" "unknown option" ridge --frobnicate 1
expect_bad "batch = 0" "batch" generative mixture --batch 0
expect_bad "unknown backend" "auto, cpu or cuda" ridge --backend tpu

# --backend cuda without a device (or without the CUDA backend): exit 2, no output.
for model in "generative contexts --contexts 8 --d 8 --n 40" "generative mixture --d 8 --n 16" "ridge --d 8 --n 16"; do
  # shellcheck disable=SC2086
  expect_cuda "$model" $model --trials 4
done

check_json() {
  local what=$1 schema=$2
  shift 2
  rm -rf "$work/ok.json"
  if "$RMTMC" "$@" --quiet --json "$work/ok.json" >/dev/null 2>"$work/stderr" &&
     python3 -c "import json,sys; j=json.load(open(sys.argv[1])); assert j['schema']==sys.argv[2], j['schema']" "$work/ok.json" "$schema"; then
    echo "ok    $what: valid JSON ($schema)"
    pass=$((pass + 1))
  else
    echo "FAIL  $what: $(head -c 300 "$work/stderr")"
    fail=$((fail + 1))
  fi
}
printf '0.5 0 0 0\n0 0.5 0 0\n' >"$work/means.txt"
check_json "contexts" rmtmc.generative/1 generative contexts --contexts 20 --d 20 --n 200 --trials 4 --counts multinomial
check_json "mixture from a means file" rmtmc.generative/1 generative mixture --d 4 --n 30 --trials 3 --means file:$work/means.txt
check_json "ridge ar1" rmtmc.ridge/1 ridge --d 20 --n 30 --trials 3 --sigma ar1:0.3

# The result says where it ran, and the ridge result has its optimum and ridgeless rows.
if "$RMTMC" ridge --d 20 --n 40 --trials 3 --backend cpu --batch 2 --device 3 --quiet --json "$work/ok.json" 2>"$work/stderr" &&
   python3 - "$work/ok.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
b = j["backend"]
assert b["name"] == "cpu" and b["batch"] == 2 and b["threads"] >= 1, b
# --device names a GPU; on the CPU backend it changes nothing and no GPU is named
assert b["device_ordinal"] is None and b["compute_capability"] == "" and b["archs"] == "", b
assert b["solver"] == "LAPACKE dsyevd" and b["solver_algorithm"] == "" and b["solver_alg1_refused"] is False, b
assert j["timing"]["backend"] == "cpu" and 0 <= j["timing"]["setup_seconds"] <= j["timing"]["seconds"], j["timing"]
assert abs(j["optimum"]["lambda"] - 0.5) < 1e-6, j["optimum"]   # sigma2 d / (n R2) = 20/40
assert j["optimum"]["risk"]["lambda"] == j["optimum"]["lambda"]
assert j["ridgeless"]["run"] and j["ridgeless"]["risk"]["lambda"] == 0
assert j["ridgeless"]["risk"]["bias"] is not None   # identity: exact finite-n expectation known
PY
then
  echo "ok    ridge JSON: backend {name, batch, threads, no GPU, eigensolver}, set-up time, optimum at sigma2 d/(n R2), ridgeless row"
  pass=$((pass + 1))
else
  echo "FAIL  ridge JSON backend / optimum / ridgeless: $(head -c 300 "$work/stderr")"
  fail=$((fail + 1))
fi

finish
