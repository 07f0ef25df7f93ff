#!/usr/bin/env bash
# mpi_cli.sh RMTMC: the command line on several MPI ranks (docs/cluster.md).
# Skips (77) when this rmtmc has no MPI or no launcher is found
# (tests/mpi_lib.sh).
#   1. golden cases (a spectrum study with every output, one with a dense
#      Sigma (Sigma^1/2 from LAPACK on every rank), one with per-trial
#      tables and eigenvalues, two fit studies, one with per-trial tables,
#      the theory command, a sweep of whole points, the edge study: every
#      trial's row on every rank) under -n 2 and -n 3 give
#      the stored single-process outputs number for number
#      (tests/golden/compare.py; -n 3: five of them), and the JSON records
#      the ranks;
#   2. a sweep whose points' trials are divided among the ranks equals one
#      process's, also when stopped on 2 ranks and resumed on 3;
#   3. a failure on one rank (a trial's solver late in the last rank's share,
#      an allocation on rank 1 only, a point of a sweep), bad input and an
#      unusable output directory: exit 1 or 2, one message (from rank 0), no
#      output.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=support/cli_lib.sh
. "$here/support/cli_lib.sh" "$1"
# shellcheck source=mpi_lib.sh
. "$here/mpi_lib.sh"
if ! "$RMTMC" --version | grep -q "MPI: [A-Za-z]" || "$RMTMC" --version | grep -q "MPI: not compiled in"; then
  echo "this rmtmc was built without MPI: skipping"
  exit 77
fi
mpi_find_launcher || { echo "no MPI launcher (mpiexec / mpirun): skipping"; exit 77; }
echo "launcher: ${MPI_LAUNCH[*]}"
mpi() { # mpi NP ARGS...: rmtmc ARGS on NP ranks
  local np=$1
  shift
  "${MPI_LAUNCH[@]}" -n "$np" "$RMTMC" "$@" </dev/null
}

# ---- 1. golden outputs on 2 and 3 ranks ----
cases="spectrum_mp spectrum_ar1_student spectrum_deriv_trials contexts_fixed ridge_trials mixture_gram theory_spike sweep_d edge_spike_complex"
golden=$work/golden
mkdir -p "$golden"
for name in $cases; do
  for f in "$here/data/golden/$name" "$here/data/golden/$name.json" "$here/data/golden/$name.trials"; do
    [ -e "$f" ] && cp -r "$f" "$golden/"
  done
done
# 3 ranks: a rank without a block in the 70- and 66-trial cases, the sweep's
# points in rounds of 3 (2 ranks: every case)
cases3="spectrum_mp spectrum_deriv_trials contexts_fixed ridge_trials sweep_d edge_spike_complex"
for np in 2 3; do
  out=$work/np$np
  only=$cases
  [ "$np" = 3 ] && only=$cases3
  mkdir -p "$work/golden$np"
  for name in $only; do cp -r "$golden/$name"* "$work/golden$np/"; done
  if GOLDEN_ONLY=$only GOLDEN_LAUNCH="${MPI_LAUNCH[*]} -n $np" bash "$here/golden/run_cases.sh" "$RMTMC" "$out" &&
     python3 "$here/golden/compare.py" "$work/golden$np" "$out"; then
    ok "-n $np: $(echo "$only" | wc -w) golden cases give the single-process outputs number for number"
  else
    bad "-n $np: golden cases differ from one process (see above)"
  fi
  python3 - "$out" "$np" <<'PY' && ok "-n $np: the JSON records $np ranks and where they ran" || bad "-n $np: ranks in the JSON"
import json, sys
out, np = sys.argv[1], int(sys.argv[2])
for name in ("spectrum_mp.json", "contexts_fixed.json", "sweep_d/sweep.json"):
    r = json.load(open("%s/%s" % (out, name)))["ranks"]
    assert r["count"] == np and r["hosts"] >= 1, (name, r)
    assert sum(d["ranks"] for d in r["devices"]) + r["ranks_not_listed"] == np, (name, r)
    assert all(d["backend"] == "cpu" and d["host"] for d in r["devices"]), (name, r)
assert json.load(open("%s/sweep_d/sweep.json" % out))["ranks"]["divided"] == "points"
PY
done

# ---- 2. a sweep dividing each point's trials, stopped and resumed ----
sweep="sweep --param d --values 12,24 --trials 200 --seed 5 --z=-1,1+0.5i --backend cpu --quiet --no-plots"
# shellcheck disable=SC2086
"$RMTMC" $sweep --out "$work/sw1" >/dev/null 2>"$work/sw1.err" || bad "sweep on one process: $(cat "$work/sw1.err")"
# shellcheck disable=SC2086
mpi 3 $sweep --out "$work/sw3" >/dev/null 2>"$work/sw3.err" || bad "sweep on 3 ranks: $(cat "$work/sw3.err")"
# shellcheck disable=SC2086
mpi 2 $sweep --stop-after 1 --out "$work/swr" >/dev/null 2>"$work/swr.err" &&
  mpi 3 $sweep --out "$work/swr" >/dev/null 2>>"$work/swr.err" || bad "sweep stopped on 2 ranks, resumed on 3: $(cat "$work/swr.err")"
python3 - "$work" <<'PY' && ok "sweep (trials divided): 3 ranks and 2-then-3 ranks (resumed) give one process's numbers" || bad "sweep on ranks"
import json, sys
w = sys.argv[1]
def load(d):
    s = json.load(open(w + "/" + d + "/sweep.json"), parse_float=str)
    r = s.pop("run"), s.pop("ranks")
    return s, r
one, _ = load("sw1")
for d in ("sw3", "swr"):
    s, (run, ranks) = load(d)
    assert s == one, d
    assert ranks["divided"] == "trials" and ranks["count"] == 3, (d, ranks)
    assert run["resumed_points"] == (1 if d == "swr" else 0), (d, run)
    assert open(w + "/" + d + "/sweep.csv").read() == open(w + "/sw1/sweep.csv").read(), d
PY

# ---- 3. failures: one message from rank 0, the exit code, no output ----
# expect_fail WHAT RC WANT NP ARGS...: on NP ranks (NP "mpmd" = the command
# line in ARGS as given) the run exits RC with exactly one line of rmtmc on
# stderr, containing WANT, and leaves no --json and no --out (a sweep: only
# its checkpoint points.jsonl).
expect_fail() {
  local what=$1 rc_want=$2 want=$3 np=$4
  shift 4
  rm -rf "$work/f.json" "$work/fout"
  if [ "$np" = mpmd ]; then "${MPI_LAUNCH[@]}" "$@" </dev/null >"$work/f.out" 2>"$work/f.err"
  else mpi "$np" "$@" --json "$work/f.json" --out "$work/fout" >"$work/f.out" 2>"$work/f.err"; fi
  local rc=$? lines
  lines=$(grep -c "^rmtmc" "$work/f.err")
  local left
  left=$( (ls "$work/f.json"; ls "$work/fout" | grep -v '^points.jsonl$') 2>/dev/null)
  if [ $rc -eq "$rc_want" ] && [ "$lines" -eq 1 ] && grep -q -- "$want" "$work/f.err" && [ -z "$left" ]; then
    ok "$what: exit $rc, one message: $(grep "^rmtmc" "$work/f.err")"
  else
    bad "$what: exit $rc (wanted $rc_want), $lines rmtmc lines (wanted 1 with '$want'), output left: $left"
    cat "$work/f.err"
  fi
}
spec="spectrum --d 20 --n 40 --trials 150 --seed 3 --backend cpu --quiet"
# trial 140 is in the last block, rank 2's share on 3 ranks: a failure seen late
# shellcheck disable=SC2086
RMTMC_DEBUG_FAIL_TRIAL=140 "$RMTMC" $spec --json "$work/f1.json" >/dev/null 2>"$work/f1.err"
single=$(sed 's/^rmtmc spectrum: error: //' "$work/f1.err")
# shellcheck disable=SC2086
RMTMC_DEBUG_FAIL_TRIAL=140 expect_fail "a late trial's solver fails on rank 2 of 3" 1 "rank 2 of 3: $single" 3 $spec
# shellcheck disable=SC2086
expect_fail "an allocation fails on rank 1 of 2 only" 1 "rank 1 of 2: cannot allocate" mpmd \
  -n 1 "$RMTMC" $spec --json "$work/f.json" --out "$work/fout" : \
  -n 1 env RMTMC_DEBUG_FAIL_ALLOC=1 "$RMTMC" $spec --json "$work/f.json" --out "$work/fout"
# shellcheck disable=SC2086
expect_fail "bad input, seen by every rank" 2 "--d must be" 3 spectrum --d 0 --trials 10
# shellcheck disable=SC2086
expect_fail "an output directory that rank 0 cannot write" 2 "does not exist" mpmd \
  -n 2 "$RMTMC" $spec --json "$work/no/such/dir/f.json"
# shellcheck disable=SC2086
expect_fail "a sweep point fails on rank 1 (whole points)" 1 "rank 1 of 2: cannot allocate" mpmd \
  -n 1 "$RMTMC" sweep --param d --values 10,20,30 --trials 30 --quiet --no-plots --out "$work/fout" : \
  -n 1 env RMTMC_DEBUG_FAIL_ALLOC=1 "$RMTMC" sweep --param d --values 10,20,30 --trials 30 --quiet --no-plots --out "$work/fout"
finish
