#!/usr/bin/env bash
# edge_cli.sh BIN: the edge study, complex entries, theory --tracy-widom and
# sweep --param spike from the command line: outputs and their schema
# fields, the per-trial table, and bad input (exit 2, a clear message, no
# output).
. "$(dirname "$0")/support/cli_lib.sh" "$1"

# --out DIR: every file, the JSON's verdict rows and the KS p-value
if "$RMTMC" edge --d 20 --n 40 --trials 60 --seed 2 --backend cpu --quiet --no-plots --out "$work/e1" \
     --save-trials "$work/e1t" 2>"$work/err" &&
   for f in result.json edge_rows.csv edge_samples.csv edge_density.csv report.html; do [ -s "$work/e1/$f" ] || exit 1; done &&
   python3 - "$work/e1/result.json" "$work/e1t/columns.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["schema"] == "rmtmc.edge/1"
assert r["ranks"]["count"] == 1
assert r["config"]["beta"] == 1
top = r["top"]
assert top["tracy_widom_applies"] and 0.0 <= top["ks"]["pvalue"] <= 1.0
assert len(top["quantiles"]) == 9 and top["quantiles"][0]["p"] == 0.01
# qq[]: the top edge's quantiles in the common comparison shape (empirical {mean, stderr}, theory)
assert len(r["qq"]) == 9
for q, row in zip(top["quantiles"], r["qq"]):
    assert row["edge"] == "top" and row["p"] == q["p"] and row["theory"] == q["theory"]
    assert row["empirical"] == {"mean": q["empirical"], "stderr": q["empirical_stderr"]}
    assert q["empirical_stderr"] > (q["p"] * (1 - q["p"]) / r["config"]["trials"]) ** 0.5  # f_beta < 1
v = r["verdict"]
assert v["outcome"] in ("AGREES", "DISAGREES", "INCONCLUSIVE") and v["pass"] == (v["outcome"] == "AGREES")
assert v["rows"] == len(r["verdict_rows"]) and v["judged"] == v["agrees"] + v["disagrees"] + v["inconclusive"]
for w in r["verdict_rows"]:
    assert w["rule"] in ("corrected", "uncorrected", "out") and w["verdict"] in ("agrees", "DISAGREES", "inconclusive", "kept out")
    assert w["verdict"] != "agrees" or w["zscore"] is not None  # no non-finite row agrees
ks = [w for w in r["verdict_rows"] if "KS distance" in w["quantity"]]
assert ks and ks[0]["rule"] == "corrected" and ks[0]["zscore"] is not None and ks[0]["zscore"] >= 0
cols = [c["name"] for c in json.load(open(sys.argv[2]))["observables"]["columns"]]
assert cols[:4] == ["lambda_max", "lambda_min", "tw_top", "tw_bottom"], cols
PY
then ok "edge --out: result.json (rmtmc.edge/1), CSV tables, report.html, per-trial columns"
else bad "edge --out: $(head -c 300 "$work/err")"; fi

# a subcritical spike asked for its overlap: a clear answer (limit 0, not judged), exit 0
if "$RMTMC" edge --d 30 --n 60 --trials 40 --seed 3 --backend cpu --sigma spike:0.2 --json "$work/sub.json" >"$work/out" 2>&1 &&
   grep -q "no outlier" "$work/out" &&
   python3 -c "
import json,sys
r = json.load(open('$work/sub.json'))
s = r['spikes'][0]
assert s['side'] == 0 and s['overlap']['theory'] == 0.0
rows = [w for w in r['verdict_rows'] if w['quantity'].startswith('spike 0 overlap')]
assert rows and rows[0]['rule'] == 'out' and rows[0]['verdict'] == 'kept out' and 'BBP threshold' in rows[0]['verdict_note']
"; then ok "subcritical spike: overlap limit 0, an informational row with the reason, exit 0"
else bad "subcritical spike: $(head -c 300 "$work/out")"; fi

# a spike the d = 20 population does not separate from its bulk (ell = 2 above
# the BBP threshold 1.707, but the population {1 x 19, 2} has its own edge at
# 3.51, above the outlier 3.0): its rows are kept out with the reason, and the
# run (correct, 3000 trials) is never called DISAGREES; --fail-on disagrees exits 0
"$RMTMC" edge --d 20 --n 40 --trials 3000 --seed 1 --backend cpu --quiet --sigma spike:1 --fail-on disagrees \
  --json "$work/sep.json" 2>"$work/sep.err"
rc=$?
if [ $rc -eq 0 ] && python3 -c "
import json
r = json.load(open('$work/sep.json'))
s = r['spikes'][0]
assert s['side'] == 1 and s['unseparated'] is True and s['critical_window'] is False, s
rows = [w for w in r['verdict_rows'] if w['quantity'].startswith('spike 0 ')]
assert len(rows) == 3 and all(w['rule'] == 'out' and 'not separated' in w['verdict_note'] for w in rows), rows
assert r['verdict']['outcome'] != 'DISAGREES' and r['verdict']['disagrees'] == 0, r['verdict']
"; then ok "unseparated spike at d = 20: its rows kept out with the reason, no DISAGREES on a correct run"
else bad "unseparated spike: rc=$rc $(head -c 300 "$work/sep.err")"; fi

# --fail-on: edge is a verdict study; a correct white run passes --fail-on disagrees,
# and --fail-on inconclusive exits 3 exactly when the verdict is not AGREES
"$RMTMC" edge --d 20 --n 40 --trials 60 --seed 2 --backend cpu --quiet --fail-on disagrees --json "$work/f1.json" 2>"$work/f1.err"
rc=$?
[ $rc -eq 0 ] && [ -s "$work/f1.json" ] && ok "edge --fail-on disagrees on a correct run exits 0" || bad "edge --fail-on disagrees: rc=$rc $(cat "$work/f1.err")"
# a general Sigma with 3000 trials (first-order centring): not AGREES, so exit 3 is exercised
for fo in inconclusive disagrees; do
  "$RMTMC" edge --d 20 --n 40 --trials 3000 --seed 2 --backend cpu --quiet --sigma points:1:0.5,4:0.5 --fail-on $fo \
    --json "$work/f2.json" 2>"$work/f2.err"
  rc=$?
  want=$(python3 -c "
import json; o = json.load(open('$work/f2.json'))['verdict']['outcome']
bad = o != 'AGREES' if '$fo' == 'inconclusive' else o == 'DISAGREES'
print(3 if bad else 0)")
  { [ $rc -eq "$want" ] && { [ "$fo" = disagrees ] || [ $rc -eq 3 ]; }; } &&
    ok "edge --fail-on $fo: exit $rc as the verdict says" || bad "edge --fail-on $fo: rc=$rc want $want $(cat "$work/f2.err")"
done
"$RMTMC" sweep --param spike --d 20 --values 0.3,2 --trials 30 --backend cpu --quiet --no-plots --fail-on disagrees --out "$work/sw2" 2>"$work/sw2.err"
rc=$?
[ $rc -eq 0 ] && ok "sweep --param spike --fail-on disagrees: real rows, exit 0" || bad "sweep spike --fail-on: rc=$rc $(cat "$work/sw2.err")"

# complex data through the spectrum study
if "$RMTMC" spectrum --d 16 --n 24 --trials 50 --backend cpu --entries complex-gaussian --json "$work/c.json" --quiet &&
   python3 -c "
import json
r = json.load(open('$work/c.json'))
assert r['config']['entries'] == 'complex-gaussian'
assert all(row['bias']['re'] == 0.0 for row in r['stieltjes'])
"; then ok "spectrum --entries complex-gaussian: runs, zero 1/d bias"
else bad "spectrum --entries complex-gaussian"; fi

# theory --tracy-widom: JSON on stdout, CSV with --out
if "$RMTMC" theory --tracy-widom 1 --s -1.2065335745820,0 >"$work/tw.json" &&
   "$RMTMC" theory --tracy-widom 4 --out "$work/tw4" &&
   [ "$(wc -l <"$work/tw4/tracy_widom.csv")" -eq 30 ] &&
   python3 -c "
import json
r = json.load(open('$work/tw.json'))
assert r['schema'] == 'rmtmc.tracy_widom/1' and r['beta'] == 1
p = r['points']
assert abs(p[0]['cdf'] + p[0]['sf'] - 1) < 1e-15 and 0.4 < p[0]['cdf'] < 0.6 and p[1]['pdf'] > 0
assert abs(r['moments']['mean'] + 1.2065335745820) < 1e-10
"; then ok "theory --tracy-widom: JSON (cdf + sf = 1, mean -1.20653) and tracy_widom.csv (29 points)"
else bad "theory --tracy-widom"; fi

# sweep --param spike: sweep.json, sweep.csv, plot_sweep.gp
if "$RMTMC" sweep --param spike --d 20 --values 0.3,2 --trials 30 --backend cpu --quiet --no-plots --out "$work/sw" &&
   python3 -c "
import json
r = json.load(open('$work/sw/sweep.json'))
assert r['schema'] == 'rmtmc.sweep_spike/1'
assert r['ranks']['count'] == 1 and r['ranks']['divided'] == 'none'
p = r['points']
assert len(p) == 2 and not p[0]['outlier'] and p[1]['outlier'] and p[0]['overlap']['theory'] == 0.0
assert [w['rule'] for w in p[0]['verdict_rows']] == ['out', 'out']
assert [w['rule'] for w in p[1]['verdict_rows']] == ['corrected', 'corrected', 'uncorrected']
v = r['verdict']
assert v['rows'] == 5 and v['judged'] == 3 and v['kept_out'] == 2 and v['outcome'] in ('AGREES', 'INCONCLUSIVE', 'DISAGREES')
" && grep -q "overlap(l)" "$work/sw/plot_sweep.gp"; then ok "sweep --param spike: sweep.json (rmtmc.sweep_spike/1), plot_sweep.gp with the BBP curves"
else bad "sweep --param spike"; fi

expect_bad "edge: non-Gaussian entries" "Gaussian data" edge --entries rademacher --trials 10
expect_bad "edge: bad correction" "second-order" edge --correction third --trials 10
expect_bad "edge: bad scale" "linear" edge --scale cubic --trials 10
expect_bad "edge: too many spikes" "at most 16 spikes" edge --sigma spike:1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1 --trials 10
expect_bad "ridge: complex entries" "real Gaussian data only" ridge --entries complex-gaussian --trials 10
expect_bad "generative: complex entries" "real Gaussian data only" generative contexts --entries complex-gaussian --trials 10
expect_bad "resolvent: complex entries" "draws real data" resolvent --entries complex-gaussian --trials 10
expect_bad "spectrum: complex single precision" "precision single" spectrum --entries complex-gaussian --precision single --trials 10
expect_bad "theory: TW beta 3" "1, 2 or 4" theory --tracy-widom 3
expect_bad "theory: --s without --tracy-widom" "tracy-widom" theory --s 1,2
expect_bad "theory: --s not numbers" "finite numbers" theory --tracy-widom 2 --s 1,x
# sweep_bad WHAT WANT ARGS...: the sweep exits 2 with WANT and creates no --out DIR
sweep_bad() {
  local what=$1 want=$2
  shift 2
  rm -rf "$work/swbad"
  "$RMTMC" sweep "$@" --out "$work/swbad" >/dev/null 2>"$work/stderr"
  local rc=$?
  if [ $rc -eq 2 ] && grep -qi -- "$want" "$work/stderr" && [ ! -e "$work/swbad" ]; then ok "$what: $(head -c 300 "$work/stderr")"
  else bad "$what: rc=$rc $(head -c 300 "$work/stderr")"; fi
}
sweep_bad "sweep spike: with --sigma" "spike:T" --param spike --values 1,2 --sigma ar1:0.5
sweep_bad "sweep spike: T <= -1" "> -1" --param spike --values -1,2
sweep_bad "sweep spike: non-Gaussian entries" "Gaussian data" --param spike --values 1,2 --entries rademacher
sweep_bad "sweep spike: --study resolvent" "edge study" --param spike --study resolvent --values 1,2
sweep_bad "sweep resolvent: complex entries" "draws real data" --study resolvent --param d --values 10,20 --entries complex-gaussian
sweep_bad "sweep d: non-integer values" "integers" --param d --values 10.5,20
expect_cuda "edge" edge --d 12 --n 24 --trials 8
finish
