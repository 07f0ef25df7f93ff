#!/usr/bin/env bash
# The CLI end to end: --version, --help, a small study with --json and --out
# (valid JSON with the documented fields, CSV tables), `theory` output, and
# the same JSON numbers for --threads 1 and 2.
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"

"$RMTMC" --version | grep -q "rmtmc .* (backends: cpu" && ok "--version names the backends" || bad "--version"
for cmd in "" "spectrum" "theory"; do
  out=$("$RMTMC" $cmd --help)
  [ $? -eq 0 ] && [ -n "$out" ] && ok "rmtmc $cmd --help" || bad "rmtmc $cmd --help"
done
"$RMTMC" spectrum --help | grep -q -- "--sigma" && ok "spectrum --help documents --sigma" || bad "spectrum --help"

args="spectrum --d 60 --n 120 --trials 40 --seed 3 --z -1,5,1+0.3i --bins 20 --backend cpu"
if "$RMTMC" $args --threads 1 --json "$work/a.json" --out "$work/dir" > "$work/summary.txt"; then
  ok "small study runs"
else
  bad "small study runs"
fi
grep -q "verdict" "$work/summary.txt" && ok "summary has a verdict line" || bad "summary verdict"
"$RMTMC" $args --threads 2 --batch 3 --json "$work/b.json" --quiet > "$work/quiet.txt"
[ ! -s "$work/quiet.txt" ] && ok "--quiet prints nothing" || bad "--quiet prints nothing"
for f in result.json stieltjes.csv edges.csv moments.csv density.csv; do
  [ -s "$work/dir/$f" ] && ok "--out wrote $f" || bad "--out wrote $f"
done
python3 - "$work/a.json" "$work/b.json" <<'PY' && ok "JSON valid, schema fields present, identical numbers across threads/batch" || bad "JSON checks"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert a["schema"] == "rmtmc.spectrum/1"
for key in ["config", "backend", "stieltjes", "edges", "density", "timing", "moments", "verdict"]:
    assert key in a, key
s = a["stieltjes"][0]
for key in ["z_re", "z_im", "empirical", "stderr", "theory", "zscore"]:
    assert key in s, key
assert len(a["stieltjes"]) == 3 and a["config"]["trials"] == 40
for e in ["lambda_min", "lambda_max"]:
    assert set(["mean", "stderr", "theory"]) <= set(a["edges"][e])
d = a["density"]
assert len(d["centers"]) == 20 == len(d["empirical"]) == len(d["theory"])
assert "l1" in d and "ks" in d
assert a["timing"]["trials_per_second"] > 0
strip = lambda j: {k: v for k, v in j.items() if k not in ("timing", "config", "backend", "ranks")}
assert strip(a) == strip(b), "results differ between --threads 1 and --threads 2 --batch 3"
PY

"$RMTMC" theory --sigma points:1:0.5,4:0.5 --eta 0.5 --z -1 --grid 50 --json "$work/t.json" &&
python3 - "$work/t.json" <<'PY' && ok "theory: two-point edges and m(-1) match THEORY 2.4" || bad "theory output"
import json, sys
t = json.load(open(sys.argv[1]))
assert t["schema"] == "rmtmc.theory/1"
lo, hi = t["support"][0]
assert abs(lo - 0.1222241) < 1e-6 and abs(hi - 9.2999500) < 1e-6, (lo, hi)
assert abs(t["stieltjes"][0]["m_re"] - 0.4222598) < 1e-6
assert len(t["density"]["x"]) == 50
PY

finish
