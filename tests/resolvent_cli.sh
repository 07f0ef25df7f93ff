#!/usr/bin/env bash
# resolvent: every bad input (z <= 0 real, a matrix file that is not
# symmetric, not PSD, of the wrong size or not numbers, a zero or
# wrong-length --vector, unknown functionals, ...) exits 2 with a message
# and no output; --sigma matrix: reads text and .npy alike (the same Sigma
# as ar1: gives the same numbers); --out writes its files and pictures
# scripts; --save-trials writes the per-trial table; the sweep accepts the
# resolvent study.
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"
data=$(cd "$(dirname "$0")/data" && pwd)

small="--d 12 --n 20 --trials 4"
printf '1 0.5\n0.4 1\n' >"$work/asym.txt"
printf '1 2\n2 1\n' >"$work/notpsd.txt"
printf '1 0\n0 1\n' >"$work/eye2.txt"
printf '1 0 x\n0 1 0\n0 0 1\n' >"$work/nan3.txt"
printf '1 0 0\n0 1\n0 0 1 0\n' >"$work/ragged3.txt"
printf '0 0 0\n' >"$work/zero3.txt"
printf '1 2\n' >"$work/short3.txt"
printf '1 1e400 0\n' >"$work/inf3.txt"

expect_bad "real z = 0" "must be > 0" resolvent $small --z 0
expect_bad "real z < 0" "must be > 0" resolvent $small --z 0.5,-1
expect_bad "malformed z" "not a number" resolvent $small --z 1,abc
expect_bad "non-finite z" "not a finite number" resolvent $small --z inf
expect_bad "unknown functional" "is not one of" resolvent $small --functionals trace,quad_e7
expect_bad "empty functionals" "at least one" resolvent $small --functionals ""
expect_bad "unknown path" "auto or eigen" resolvent $small --path cholesky2
expect_bad "one trial" "trials" resolvent $small --trials 1
expect_bad "matrix not symmetric" "not symmetric" resolvent --d 2 --n 4 --trials 4 --sigma "matrix:$work/asym.txt"
expect_bad "matrix not PSD" "not positive semi-definite" resolvent --d 2 --n 4 --trials 4 --sigma "matrix:$work/notpsd.txt"
expect_bad "matrix of the wrong size" "3 x 3 matrix" resolvent --d 3 --n 4 --trials 4 --sigma "matrix:$work/eye2.txt"
expect_bad "matrix with a non-number" "not a number" resolvent --d 3 --n 4 --trials 4 --sigma "matrix:$work/nan3.txt"
expect_bad "ragged matrix" "line 2" resolvent --d 3 --n 4 --trials 4 --sigma "matrix:$work/ragged3.txt"
expect_bad "missing matrix file" "cannot open" resolvent --d 3 --n 4 --trials 4 --sigma "matrix:$work/missing.txt"
expect_bad "matrix file is a directory" "matrix:" resolvent --d 3 --n 4 --trials 4 --sigma "matrix:$work"
expect_bad "npy matrix of the wrong size" "11 x 11 matrix" resolvent --d 11 --n 20 --trials 4 --sigma "matrix:$data/resolvent_sigma12.npy"
expect_bad "zero vector" "zero vector" resolvent --d 3 --n 4 --trials 4 --vector "$work/zero3.txt"
expect_bad "vector of the wrong length" "--d is 3" resolvent --d 3 --n 4 --trials 4 --vector "$work/short3.txt"
expect_bad "vector with an overflow" "vector" resolvent --d 3 --n 4 --trials 4 --vector "$work/inf3.txt"
expect_bad "missing vector file" "cannot open" resolvent --d 3 --n 4 --trials 4 --vector "$work/missing.txt"
expect_bad "unknown sigma" "not understood" resolvent $small --sigma wishart:3
expect_bad "unknown entries" "entries" resolvent $small --entries cauchy
expect_bad "resolvent too large" "memory" resolvent --d 2000000 --n 10
expect_bad "unknown option" "unknown option" resolvent $small --frobnicate 1
# the sweep writes only --out DIR: its bad inputs leave no DIR
expect_bad_sweep() {
  local what=$1 want=$2
  shift 2
  rm -rf "$work/swdir"
  "$RMTMC" sweep --out "$work/swdir" "$@" >"$work/stdout" 2>"$work/stderr"
  local rc=$?
  if [ $rc -eq 2 ] && grep -qi -- "$want" "$work/stderr" && [ ! -e "$work/swdir" ]; then
    ok "$what: $(head -c 300 "$work/stderr")"
  else
    bad "$what: rc=$rc stderr='$(head -c 300 "$work/stderr")' (wanted exit 2 and '$want', no output)"
  fi
}
expect_bad_sweep "sweep: diag_dev" "diag_dev" --study resolvent --values 10,20 --functionals diag_dev
expect_bad_sweep "sweep: real z <= 0" "must be > 0" --study resolvent --values 10,20 --z=-1
expect_bad_sweep "sweep: resolvent options without the study" "need --study resolvent" --values 10,20 --functionals trace
expect_bad_sweep "sweep: unknown study" "spectrum or resolvent" --study ridge --values 10,20
expect_cuda "resolvent" resolvent $small

# --sigma matrix: text and .npy give the same numbers, and the ar1 matrix
# written with 17 digits gives ar1:'s numbers (the same Sigma, the same draws)
json_field() { python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(json.dumps([(f['name'],f['part'],f['empirical']['mean'],f['theory']) for f in j['functionals']]))" "$1"; }
"$RMTMC" resolvent --d 12 --n 20 --trials 6 --backend cpu --quiet --sigma "matrix:$data/resolvent_sigma12.txt" --json "$work/t.json" 2>/dev/null
"$RMTMC" resolvent --d 12 --n 20 --trials 6 --backend cpu --quiet --sigma "matrix:$data/resolvent_sigma12.npy" --json "$work/n.json" 2>/dev/null
if [ -s "$work/t.json" ] && [ "$(json_field "$work/t.json")" = "$(json_field "$work/n.json")" ]; then
  ok "matrix: text and .npy files give the same numbers"
else
  bad "matrix: text and .npy files differ"
fi
python3 -c "
d=10
with open('$work/ar1.txt','w') as f:
    for i in range(d): f.write(' '.join('%.17g'%(0.5**abs(i-j)) for j in range(d))+'\n')"
"$RMTMC" resolvent --d 10 --n 14 --trials 6 --backend cpu --quiet --sigma ar1:0.5 --json "$work/a.json" 2>/dev/null
"$RMTMC" resolvent --d 10 --n 14 --trials 6 --backend cpu --quiet --sigma "matrix:$work/ar1.txt" --json "$work/m.json" 2>/dev/null
if [ -s "$work/a.json" ] && [ "$(json_field "$work/a.json")" = "$(json_field "$work/m.json")" ]; then
  ok "matrix: the ar1 matrix from a file gives ar1:'s numbers"
else
  bad "matrix: the ar1 matrix from a file differs from ar1:"
fi

# --out: the data files and the picture scripts; --save-trials; --vector
rm -rf "$work/o" "$work/tr"
if "$RMTMC" resolvent --d 16 --n 24 --trials 8 --backend cpu --quiet --no-plots --functionals all \
     --z 0.5,2,0.3+0.4i --vector "$data/resolvent_vector12.txt" --out "$work/o" --save-trials "$work/tr" \
     >/dev/null 2>"$work/stderr"; then
  bad "--vector of 12 numbers with --d 16 should fail"
else
  ok "--vector of 12 numbers with --d 16 is refused"
fi
if "$RMTMC" resolvent --d 12 --n 24 --trials 8 --backend cpu --quiet --no-plots --functionals all \
     --z 0.5,2,0.3+0.4i --vector "$data/resolvent_vector12.txt" --out "$work/o" --save-trials "$work/tr" \
     >/dev/null 2>"$work/stderr" &&
   [ -s "$work/o/result.json" ] && [ -s "$work/o/functionals.csv" ] && [ -s "$work/o/resolvent_curve.csv" ] &&
   [ -s "$work/o/report.html" ] && [ -s "$work/tr/observables.npy" ] && [ -s "$work/tr/columns.json" ] &&
   python3 - "$work/o/result.json" "$work/tr/columns.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["schema"] == "rmtmc.resolvent/1", j["schema"]
names = {f["name"] for f in j["functionals"]}
want = {"trace", "trace_sigma", "delta", "quad_e1", "quad_top", "quad_random", "bilinear_e1_top", "quad2_e1",
        "diag_dev", "quad_vector1"}
assert names == want, names
for f in j["functionals"]:
    for k in ("z_re", "z_im", "part", "path", "empirical", "theory", "zscore", "bias", "fluctuation", "rule",
              "verdict", "verdict_note"):
        assert k in f, k
    assert f["path"] == ("cholesky" if f["z_im"] == 0 else "eigen"), f
    assert f["rule"] in ("corrected", "uncorrected", "out"), f
    assert f["rule"] == ("corrected" if f["bias"] is not None else "out" if f["name"] == "diag_dev" else "uncorrected"), f
    assert f["verdict"] in ("agrees", "DISAGREES", "inconclusive", "kept out"), f
    if f["name"] == "diag_dev":
        assert f["verdict"] == "kept out" and f["verdict_note"], f
v = j["verdict"]
assert v["outcome"] in ("AGREES", "DISAGREES", "INCONCLUSIVE") and v["pass"] == (v["outcome"] == "AGREES"), v
assert v["rows"] == len(j["functionals"]) and v["kept_out"] >= 1 and v["line"].startswith(v["outcome"]), v
cols = json.load(open(sys.argv[2]))["observables"]["columns"]
assert len(cols) == len(j["functionals"]), (len(cols), len(j["functionals"]))
assert cols[0]["name"] == "trace_re_z0", cols[0]
EOF
then
  ok "--out writes result.json (rmtmc.resolvent/1), functionals.csv, resolvent_curve.csv, report.html; --save-trials its table"
else
  bad "--out / --save-trials: $(head -c 300 "$work/stderr")"
fi

# The shared verdict: the summary's verdict line, --fail-on (exit 3 with the
# JSON written when the verdict is not AGREES).
"$RMTMC" resolvent --d 12 --n 24 --trials 8 --backend cpu --no-plots --z 0.5,0.3+0.4i >"$work/v.txt" 2>/dev/null &&
  grep -qE "^verdict: (AGREES|INCONCLUSIVE|DISAGREES)" "$work/v.txt" && grep -q "uncorrected\|corrected" "$work/v.txt" &&
  ok "summary: rule and verdict per row, the shared verdict line" || { bad "summary verdict"; cat "$work/v.txt"; }
# --fail-on inconclusive: exit 3 unless the verdict AGREES (the JSON still
# written), --fail-on disagrees: exit 3 only on DISAGREES
for mode in inconclusive disagrees; do
  rm -f "$work/f.json"
  "$RMTMC" resolvent --d 12 --n 24 --trials 8 --backend cpu --quiet --no-plots --sigma ar1:0.5 --entries student:5 \
    --z 0.5,0.3+0.4i --fail-on $mode --json "$work/f.json" >/dev/null 2>"$work/f.err"
  rc=$?
  outcome=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"]["outcome"])' "$work/f.json" 2>/dev/null)
  want=0
  [ "$mode" = inconclusive ] && [ "$outcome" != AGREES ] && want=3
  [ "$mode" = disagrees ] && [ "$outcome" = DISAGREES ] && want=3
  [ -n "$outcome" ] && [ $rc -eq $want ] && ok "--fail-on $mode: $outcome exits $rc, the JSON written" ||
    { bad "--fail-on $mode: rc=$rc outcome=$outcome"; cat "$work/f.err"; }
done

# User text is data: a Sigma file whose path holds quotes and a gnuplot
# system() call, and hostile --entries text, are written to plot_labels.txt
# only; gnuplot draws the pictures and runs nothing.
odd="$work/x\"; system(\"touch $work/pwned\"); \""
mkdir -p "$odd" && for i in 1 2 3 4 5 6 7 8 9 10; do echo "$i"; done >"$odd/s.txt"
if "$RMTMC" resolvent --d 10 --n 20 --trials 6 --backend cpu --quiet --sigma "file:$odd/s.txt" --z 0.5,1,0.3+0.4i \
     --out "$work/u" >/dev/null 2>"$work/u.err"; then
  ! grep -q "system(" "$work/u"/*.gp && grep -q "system(" "$work/u/plot_labels.txt" && [ ! -e "$work/pwned" ] &&
    ok "user text: the --sigma file path is data (plot_labels.txt), never part of a gnuplot script" ||
    bad "user text in the resolvent scripts"
  if command -v gnuplot >/dev/null 2>&1; then
    [ -s "$work/u/resolvent.png" ] && [ -s "$work/u/resolvent_complex.png" ] && [ ! -e "$work/pwned" ] &&
      ok "gnuplot drew resolvent.png and resolvent_complex.png, ran nothing" || bad "resolvent pictures: $(head -c 300 "$work/u.err")"
  fi
else
  bad "resolvent with an odd --sigma path: $(head -c 300 "$work/u.err")"
fi

# the sweep accepts the resolvent study
rm -rf "$work/sw"
if "$RMTMC" sweep --study resolvent --param d --values 8,16 --trials 6 --z 1 --functionals trace,quad_e1 --backend cpu \
     --quiet --no-plots --out "$work/sw" >/dev/null 2>"$work/stderr" &&
   python3 - "$work/sw/sweep.json" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["config"]["study"] == "resolvent"
pred = {(s["functional"], s["observable"]): s["predicted_slope"] for s in j["slopes"]}
assert pred[("trace", "sd")] == -1 and pred[("quad_e1", "sd")] == -0.5, pred
assert [f["name"] for f in j["points"][0]["functionals"]] == ["trace", "quad_e1"]
EOF
then
  ok "sweep --study resolvent: rows per functional, predicted sd slopes -1 (trace) and -1/2 (quad_e1)"
else
  bad "sweep --study resolvent: $(head -c 300 "$work/stderr")"
fi
finish
