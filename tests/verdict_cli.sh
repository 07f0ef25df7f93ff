#!/usr/bin/env bash
# The verdict on the command line (docs/verdict.md): the issue's false
# agreement prints INCONCLUSIVE with its reasons, never "agrees"; --fail-on
# sets exit status 3 after writing every output, and is refused (exit 2)
# where there is no verdict; the JSON carries the verdict object and each
# row's rule; an unknown bias is null in both parts; printed tables show
# n/a, never nan; the configuration line comes before the run; the help
# and the sweep's table read right.
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"

# The issue's false agreement, ridge --sigma points:1e300:1 (every standard
# error infinite), is refused before it runs since issue 10 (its moments
# overflow): exit 2 with the reason, never "agrees".
"$RMTMC" ridge --d 20 --n 40 --trials 3 --sigma points:1e300:1 --backend cpu >"$work/r.txt" 2>"$work/r.err"
rc=$?
[ $rc -eq 2 ] && grep -q "is too large" "$work/r.err" && ! grep -qi "agrees" "$work/r.txt" &&
  ok "ridge --sigma points:1e300:1: refused (exit 2) with the reason, never agrees" || { bad "ridge false agreement: rc=$rc"; cat "$work/r.txt" "$work/r.err"; }
# A row that cannot be judged (z = 1e-300 beside an atom at 0: m(z) ~ -5e299,
# no standard error or bias that can judge it): INCONCLUSIVE with its reason, the row listed.
bad_spec="spectrum --d 40 --n 80 --trials 50 --sigma points:0:0.5,1:0.5 --z=1e-300 --backend cpu"
"$RMTMC" $bad_spec >"$work/r.txt" 2>/dev/null
grep -q "verdict: INCONCLUSIVE" "$work/r.txt" && ! grep -q "verdict: AGREES" "$work/r.txt" &&
  grep -q "could not be judged" "$work/r.txt" &&
  ok "spectrum --z=1e-300 with an atom: INCONCLUSIVE with the reasons, never agrees" || { bad "spectrum false agreement"; cat "$work/r.txt"; }
! grep -qiw "nan" "$work/r.txt" && ! grep -q -- "-nan" "$work/r.txt" && grep -q "n/a" "$work/r.txt" &&
  ok "its tables print n/a, never nan" || bad "nan in a printed table"

"$RMTMC" $bad_spec --quiet --fail-on inconclusive --json "$work/r.json" 2>"$work/r.err"
rc=$?
[ $rc -eq 3 ] && [ -s "$work/r.json" ] && grep -q "INCONCLUSIVE (--fail-on inconclusive)" "$work/r.err" &&
  ok "--fail-on inconclusive: exit 3, the JSON still written, stderr says why" || bad "--fail-on inconclusive: rc=$rc $(cat "$work/r.err")"
"$RMTMC" $bad_spec --quiet --fail-on disagrees 2>/dev/null
rc=$?
[ $rc -eq 0 ] && ok "--fail-on disagrees: an INCONCLUSIVE verdict exits 0" || bad "--fail-on disagrees: rc=$rc"
python3 - "$work/r.json" <<'PY' && ok "spectrum JSON: verdict object, the unjudged row's rule, verdict and reason" || bad "spectrum JSON verdict"
import json, sys
j = json.load(open(sys.argv[1]))
v = j["verdict"]
assert v["outcome"] == "INCONCLUSIVE" and v["pass"] is False and v["disagrees"] == 0, v
assert v["inconclusive"] >= 1, v
row = j["stieltjes"][0]
assert row["verdict"]["re"] == "inconclusive" and row["rule"] in ("uncorrected", "corrected"), row
PY

"$RMTMC" spectrum --d 30 --n 60 --trials 30 --observables m,dm --z=0,-1,2+0.5i --backend cpu --fail-on disagrees \
  --json "$work/s.json" >"$work/s.txt" 2>"$work/s.err"
rc=$?
[ $rc -eq 0 ] && ok "spectrum --fail-on disagrees on a correct run exits 0" || bad "spectrum --fail-on: rc=$rc"
python3 - "$work/s.json" <<'PY' && ok "spectrum JSON: unknown bias null in both parts, rules per row, verdict" || bad "spectrum JSON"
import json, sys
j = json.load(open(sys.argv[1]))
d0 = j["stieltjes_derivative"][0]           # m'(z) at z = 0: no bias known
assert d0["bias"] == {"re": None, "im": None}, d0["bias"]
assert d0["zscore_corrected"] == {"re": None, "im": None}, d0["zscore_corrected"]
assert d0["rule"] == "uncorrected" and d0["note"], d0
for r in j["stieltjes"]:
    assert r["rule"] == "corrected" and r["verdict"]["re"] in ("agrees", "DISAGREES", "inconclusive"), r
    assert (r["bias"]["re"] is None) == (r["bias"]["im"] is None), r["bias"]
assert j["verdict"]["outcome"] in ("AGREES", "INCONCLUSIVE", "DISAGREES")
assert j["verdict"]["rules"]["corrected"] >= 4 and "line" in j["verdict"]
assert j["moments"][2]["verdict"] == "kept out"
assert len(j["theory"]["support"][0]) == 3 and j["theory"]["outliers"] == []
PY
grep -q "judged z" "$work/s.txt" && grep -q "corrected" "$work/s.txt" && grep -q "uncorrected" "$work/s.txt" &&
  grep -q "rules: corrected = " "$work/s.txt" && ok "spectrum summary: the rule of every row and the rules' meaning" || bad "spectrum summary rules"
grep -q "running d = 30, n = 60" "$work/s.err" && grep -q "backend cpu" "$work/s.err" &&
  ok "the configuration and backend line is printed (stderr) before the run" || bad "configuration line: $(cat "$work/s.err")"

expect_bad "theory --fail-on: no verdict" "no verdict" theory --fail-on disagrees
expect_bad "--fail-on with a bad value" "use disagrees" spectrum --d 10 --n 20 --trials 4 --fail-on always

"$RMTMC" spectrum --d 40 --n 80 --trials 20 --sigma spike:3 --z=-1 --backend cpu >"$work/k.txt" 2>/dev/null
grep -q "spike 4 (weight 0.025): outlier above the bulk at 4.66667 (BBP" "$work/k.txt" &&
  grep -q "empirical lambda_max" "$work/k.txt" && ok "a spiked study names its outlier, its BBP location and the empirical one" ||
  { bad "spiked summary"; cat "$work/k.txt"; }

# z in the gap between the bulk and the spike's outlier: the correction is
# dropped for the distance to the outlier's edge, not for a density that is
# rounding noise in the gap.
"$RMTMC" spectrum --d 200 --n 400 --trials 20 --sigma spike:3 --z=4+0.2i --backend cpu --quiet --json "$work/g.json" &&
  python3 - "$work/g.json" <<'PY2' && ok "a z in a gap: its dropped correction names the support edge" || bad "gap note"
import json, sys
r = json.load(open(sys.argv[1]))["stieltjes"][0]
assert r["rule"] == "uncorrected" and "from the support edge 4.2853" in r["note"] and "lie within" not in r["note"], r
PY2

"$RMTMC" --help >"$work/h.txt"
! grep -q "ridge linear generative" "$work/h.txt" && ! grep -q "THEORY" "$work/h.txt" &&
  ok "top-level help: no stray word, no THEORY citation" || bad "top-level help"

"$RMTMC" sweep --param d --values 10,20,30 --trials 20 --backend cpu --out "$work/sw" >"$work/sw.txt" 2>/dev/null
! grep -qE "^ +d +d +n" "$work/sw.txt" && grep -qE "^ +d +n +z" "$work/sw.txt" && grep -q "verdict: INCONCLUSIVE" "$work/sw.txt" &&
  grep -q "too few to judge" "$work/sw.txt" && [ -s "$work/sw/report.html" ] &&
  ok "sweep: table header d n z, a 3-point slope cannot be judged (INCONCLUSIVE), report.html" || { bad "sweep summary"; cat "$work/sw.txt"; }

finish
