#!/usr/bin/env bash
# rmtmc sweep: (1) over d = 25..200 (n = 2d, fixed seeds) the log-log slope
# of the trial-to-trial sd of m_d(-1) recovers the docs/theory.md 6.8 rate -1 within
# 3 fit standard errors + 0.15 (the allowance for curvature at small d:
# docs/theory.md 6.8 measured -1.10); (2) an interrupted sweep (--stop-after, plus a
# torn last line) resumes without recomputing finished points and ends with
# the same sweep.json numbers as an uninterrupted run; (3) issue 10: every
# point validated before the first write, the whole config and the bytes of
# input files hashed, uint64 seeds exact, corrupt lines reported, the
# directory's state rule under signals and concurrent runs; (4) a different
# config in the same directory is refused.
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"

args="sweep --param d --values 25,50,100,200 --ratio 2 --trials 200 --seed 11 --z=-1,2+0.5i --backend cpu --threads 2 --no-plots"

"$RMTMC" $args --out "$work/full" > "$work/full.txt" 2>"$work/full.err" && ok "uninterrupted sweep runs" || { bad "uninterrupted sweep"; cat "$work/full.err"; }
for f in points.jsonl sweep.json sweep.csv plot_sweep.gp; do
  [ -s "$work/full/$f" ] && ok "wrote $f" || bad "wrote $f"
done
grep -q "slopes" "$work/full.txt" && ok "summary prints the slope table" || bad "summary slope table"
python3 - "$work/full/sweep.json" <<'PY' && ok "sd of m_d(-1): slope matches the predicted -1 (see line above)" || bad "sd slope at z = -1"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["schema"] == "rmtmc.sweep/1"
assert [p["d"] for p in s["points"]] == [25, 50, 100, 200] and [p["n"] for p in s["points"]] == [50, 100, 200, 400]
assert [p["seed"] for p in s["points"]] == [11, 12, 13, 14]
f = [x for x in s["slopes"] if x["observable"] == "sd" and x["z_re"] == -1 and x["z_im"] == 0][0]
tol = 0.15 + 3 * f["slope_stderr"]
print("      sd slope at z = -1: %.3f +- %.3f (fit s.e.), predicted %.0f, tolerance 0.15 + 3 s.e. = %.3f"
      % (f["slope"], f["slope_stderr"], f["predicted_slope"], tol))
assert f["predicted_slope"] == -1
assert abs(f["slope"] - f["predicted_slope"]) <= tol
e = [x for x in s["slopes"] if x["observable"] == "mean_abs_error" and x["z_re"] == -1][0]
print("      mean |error| slope at z = -1: %.3f +- %.3f (predicted -1; not checked: noisy at 4 points)" % (e["slope"], e["slope_stderr"]))
PY

# Interrupted: 2 points, then a torn line as a kill mid-write would leave.
"$RMTMC" $args --out "$work/part" --stop-after 2 --quiet 2>"$work/p1.err"
[ "$(wc -l < "$work/part/points.jsonl")" -eq 3 ] && [ ! -e "$work/part/sweep.json" ] &&
  ok "--stop-after 2: points.jsonl holds the config line and 2 points, no sweep.json yet" || bad "--stop-after 2"
cp "$work/part/points.jsonl" "$work/partial_points.jsonl"
printf '{"index":2,"value":100,"d":100,"n":200,"seed":13,"nz":2,"z_re":[-1,' >> "$work/part/points.jsonl"
"$RMTMC" $args --out "$work/part" --quiet 2>"$work/p2.err" && ok "resumed sweep runs" || { bad "resumed sweep"; cat "$work/p2.err"; }
grep -q "resuming: 2 points done" "$work/p2.err" && ok "prints 'resuming: 2 points done'" || { bad "resume message"; cat "$work/p2.err"; }
python3 - "$work/full/sweep.json" "$work/part/sweep.json" "$work/partial_points.jsonl" "$work/part/points.jsonl" <<'PY' && ok "resumed: finished points not recomputed, torn line dropped, sweep.json numbers equal the uninterrupted run's" || bad "resume equality"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
assert b["run"]["resumed_points"] == 2 and a["run"]["resumed_points"] == 0
partial = [json.loads(l) for l in open(sys.argv[3]).read().splitlines()[1:]]
# the per-point timings of the first two points are the ones measured by the interrupted run
assert [p["seconds"] for p in partial] == b["run"]["point_seconds"][:2]
lines = open(sys.argv[4]).read().splitlines()
assert len(lines) == 5 and all(json.loads(l) for l in lines)
# every point says where it ran, the resumed ones as read back from points.jsonl
assert all(p["backend"].startswith("cpu: ") for p in b["points"]), [p["backend"] for p in b["points"]]
assert [p["backend"] for p in partial] == [p["backend"] for p in b["points"][:2]]
a.pop("run"); b.pop("run")
assert a == b, "sweep.json differs"
PY

# A real kill: start in the background, kill it (by its pid) once a point is
# on disk, rerun, and compare with an uninterrupted run of the same config.
kargs="sweep --param d --values 20,40,80,320 --trials 40 --seed 5 --backend cpu --threads 2 --no-plots --quiet"
"$RMTMC" $kargs --out "$work/kill" 2>/dev/null &
pid=$!
for _ in $(seq 1 400); do
  [ -f "$work/kill/points.jsonl" ] && [ "$(wc -l < "$work/kill/points.jsonl")" -ge 2 ] && break
  sleep 0.02
done
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
if [ -e "$work/kill/sweep.json" ]; then
  echo "skip  killed sweep finished before the kill (machine too fast for this check)"
else
  "$RMTMC" $kargs --out "$work/kill" 2>"$work/k.err" && grep -q "resuming: [1-9][0-9]* points done" "$work/k.err" &&
    "$RMTMC" $kargs --out "$work/kill_ref" 2>/dev/null &&
    python3 - "$work/kill/sweep.json" "$work/kill_ref/sweep.json" <<'PY' && ok "killed sweep resumes ($(grep -o 'resuming: [0-9]* points done' "$work/k.err")) to the uninterrupted result" || bad "killed sweep resume"
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
a.pop("run"); b.pop("run")
assert a == b
PY
fi

# ---- issue 10: everything validated before the first write; the whole
# config and the bytes of input files hashed; integers exact; corrupt lines
# reported as corrupt; the directory's state rule (points.jsonl is created
# with the first finished point and kept; everything else is replaced). ----
small="sweep --param d --trials 4 --bins 8 --backend cpu --threads 1 --no-plots --quiet"
seq 1 20 | sed 's/$/.5/' >"$work/sig20.txt"
t0=$SECONDS
"$RMTMC" $small --values 20,40 --sigma "file:$work/sig20.txt" --out "$work/v1/deep/out" 2>"$work/v.err"
rc=$?
[ $rc -eq 2 ] && grep -q "sweep point 1 (d = 40" "$work/v.err" && grep -q "holds 20 eigenvalues but --d is 40" "$work/v.err" &&
  [ ! -e "$work/v1" ] && [ $((SECONDS - t0)) -le 5 ] &&
  ok "a later point's bad input is refused before anything runs or is written: $(head -c 160 "$work/v.err")" ||
  bad "validation of every point: rc=$rc $(cat "$work/v.err"), v1 exists: $([ -e "$work/v1" ] && echo yes)"
"$RMTMC" $small --values 10,1000000000 --out "$work/v2" 2>"$work/v.err"
rc=$?
[ $rc -eq 2 ] && grep -q "bytes) are available" "$work/v.err" && [ ! -e "$work/v2" ] &&
  ok "a later point too large for the memory: refused before the first point, nothing written" ||
  bad "memory of every point: rc=$rc $(cat "$work/v.err")"
"$RMTMC" $small --values 10,20 --z=0.5 --out "$work/v3" 2>"$work/v.err"
rc=$?
[ $rc -eq 2 ] && grep -q "on the support" "$work/v.err" && [ ! -e "$work/v3" ] &&
  ok "a real z on the support: refused before the first point" || bad "z on the support: rc=$rc $(cat "$work/v.err")"

# The bytes of a --sigma file: the same path with other contents is another sweep.
seq 1 10 >"$work/sig10.txt"
"$RMTMC" $small --values 10,20 --d 10 --param n --sigma "file:$work/sig10.txt" --out "$work/h1" --stop-after 1 2>/dev/null
cp "$work/h1/points.jsonl" "$work/h1.before"
seq 2 11 >"$work/sig10.txt"
"$RMTMC" $small --values 10,20 --d 10 --param n --sigma "file:$work/sig10.txt" --out "$work/h1" 2>"$work/h.err"
rc=$?
[ $rc -eq 2 ] && grep -q "different sweep (it has sigma_file_fnv1a64=" "$work/h.err" && cmp -s "$work/h1.before" "$work/h1/points.jsonl" &&
  ok "a changed --sigma file (same path) is another sweep, the checkpoint untouched: $(head -c 200 "$work/h.err")" ||
  bad "file bytes in the hash: rc=$rc $(cat "$work/h.err")"
# The whole config: a difference after the first 2047 characters (--bins,
# after a 1 kB sigma spec, 16 long z points and 64 values).
longsig="points:$(for i in $(seq 64); do printf '1.%03d:0.015625,' "$i"; done | sed 's/,$//')"
zs=$(python3 -c "print(','.join('%.17g%+.17gi' % (-1e-5 * (1 + k / 7), 1e-5 * (k + 1) / 3) for k in range(16)))")
vals=$(seq -s, 1000 1063)
"$RMTMC" $small --param n --d 10 --values "$vals" --sigma "$longsig" --z="$zs" --bins 60 --out "$work/h2" --stop-after 1 2>"$work/h.err"
rc1=$?
"$RMTMC" $small --param n --d 10 --values "$vals" --sigma "$longsig" --z="$zs" --bins 61 --out "$work/h2" --stop-after 1 2>"$work/h.err"
rc=$?
clen=$(head -1 "$work/h2/points.jsonl" | python3 -c "import json,sys; print(len(json.loads(sys.stdin.readline())['config']))")
[ $rc1 -eq 0 ] && [ $rc -eq 2 ] && [ "$clen" -gt 2047 ] && grep -q "it has bins=60 where this run has bins=61" "$work/h.err" &&
  ok "the whole config is hashed ($clen characters): --bins 61 after --bins 60 is another sweep" ||
  bad "whole config: rc $rc1/$rc, config length $clen, $(head -c 300 "$work/h.err")"

# Seeds are uint64, written and read exactly.
"$RMTMC" $small --values 10,20 --seed 9007199254740993 --out "$work/s1" --stop-after 1 2>/dev/null
grep -q '"seed":9007199254740993,' "$work/s1/points.jsonl" && grep -q 'seed=9007199254740993;' "$work/s1/points.jsonl" &&
  "$RMTMC" $small --values 10,20 --seed 9007199254740993 --out "$work/s1" 2>"$work/s.err" &&
  python3 -c "
import json,sys; s=json.load(open(sys.argv[1]))
assert s['config']['seed'] == 9007199254740993 and [p['seed'] for p in s['points']] == [9007199254740993, 9007199254740994]
assert s['run']['resumed_points'] == 1" "$work/s1/sweep.json" &&
  ok "seed 9007199254740993 (above 2^53) written, read back and resumed exactly" || bad "uint64 seeds: $(cat "$work/s.err")"
"$RMTMC" $small --values 10,20 --seed 18446744073709551615 --out "$work/s2" 2>"$work/s.err" &&
  python3 -c "
import json,sys; s=json.load(open(sys.argv[1]))
assert [p['seed'] for p in s['points']] == [18446744073709551615, 0], s['points']" "$work/s2/sweep.json" &&
  ok "seed 2^64 - 1: point i runs with seed + i modulo 2^64" || bad "seed 2^64 - 1: $(cat "$work/s.err")"

# A corrupt line is reported as corrupt (not as another sweep): d = 1e300.
cp -r "$work/s1" "$work/c1"
python3 - "$work/c1/points.jsonl" <<'PY'
import sys
p = sys.argv[1]
lines = open(p).read().splitlines()
lines[1] = lines[1].replace('"d":10,', '"d":1e300,')
open(p, "w").write("\n".join(lines) + "\n")
PY
"$RMTMC" $small --values 10,20 --seed 9007199254740993 --out "$work/c1" 2>"$work/c.err"
rc=$?
[ $rc -eq 2 ] && grep -q "is corrupt: line 2 does not read back" "$work/c.err" && ! grep -q "different sweep" "$work/c.err" &&
  ok "a point line with \"d\":1e300 is reported as corrupt: $(head -c 200 "$work/c.err")" || bad "corrupt line: rc=$rc $(cat "$work/c.err")"

# The state rule: a run stopped by a signal keeps its finished points and
# nothing else; one stopped before its first point leaves nothing.
sargs="$small --values 20,40,80,160,320 --trials 30"
launch() { exec python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' "$@"; }
launch "$RMTMC" $sargs --out "$work/st/out" 2>/dev/null &
pid=$!
for _ in $(seq 1 600); do
  [ -f "$work/st/out/points.jsonl" ] && [ "$(wc -l <"$work/st/out/points.jsonl")" -ge 2 ] && break
  sleep 0.02
done
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
left=$(cd "$work/st" && find . | sort | tr '\n' ' ')
if [ -e "$work/st/out/sweep.json" ]; then
  skip "SIGTERM during a sweep: it finished first (machine too fast)"
else
  [ $rc -eq 143 ] && [ "$left" = ". ./out ./out/points.jsonl " ] &&
    ok "SIGTERM during a sweep: only the checkpoint of its finished points is left ($left)" ||
    bad "SIGTERM during a sweep: rc=$rc, left: $left"
  "$RMTMC" $sargs --out "$work/st/out" 2>"$work/st.err" && grep -q "resuming" "$work/st.err" &&
    [ -s "$work/st/out/sweep.json" ] && ok "... and the rerun resumes and completes" || bad "resume after SIGTERM: $(cat "$work/st.err")"
fi
launch "$RMTMC" sweep --param d --values 600,700 --trials 400 --backend cpu --threads 1 --no-plots --quiet --out "$work/st2/a/out" 2>/dev/null &
pid=$!
sleep 1
kill -TERM $pid 2>/dev/null
wait $pid
rc=$?
[ $rc -eq 143 ] && [ ! -e "$work/st2" ] && ok "SIGTERM before a sweep's first point: nothing is left (no DIR, no parents)" ||
  bad "SIGTERM before the first point: rc=$rc, left: $(find "$work/st2" 2>/dev/null | tr '\n' ' ')"
# Two sweeps into the same DIR at once: one after the other (the lock), the
# checkpoint well formed, the result that of one run.
cargs="$small --values 20,40,60 --trials 20 --seed 3"
"$RMTMC" $cargs --out "$work/cc" 2>/dev/null &
p1=$!
"$RMTMC" $cargs --out "$work/cc" 2>/dev/null &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
"$RMTMC" $cargs --out "$work/cc_ref" 2>/dev/null
python3 - "$work/cc" "$work/cc_ref" "$r1" "$r2" <<'PY' && ok "two concurrent sweeps into the same --out: both succeed, one header, the result of one run" || bad "concurrent sweeps"
import json, sys
a, b = sys.argv[1], sys.argv[2]
assert sys.argv[3] == "0" and sys.argv[4] == "0", "a run failed"
lines = open(a + "/points.jsonl").read().splitlines()
assert sum('"schema"' in l for l in lines) == 1 and len(lines) == 4, lines
x, y = json.load(open(a + "/sweep.json")), json.load(open(b + "/sweep.json"))
# run and ranks say how this run went (the second run resumes every point
# and runs no trial: no ranks to list), not the sweep's numbers
for k in ("run", "ranks"):
    x.pop(k, None); y.pop(k, None)
assert x == y
PY

"$RMTMC" sweep --values 25,50 --trials 10 --out "$work/part" --quiet 2>"$work/p3.err"
rc=$?
[ $rc -eq 2 ] && grep -q "different sweep" "$work/p3.err" && ok "a different config in the same --out is refused (exit 2)" || bad "different config: exit $rc"
"$RMTMC" sweep --values 25 --out "$work/x" 2>/dev/null; [ $? -eq 2 ] && ok "one value is bad input (exit 2)" || bad "one value"
"$RMTMC" sweep --values 25,50 2>/dev/null; [ $? -eq 2 ] && ok "--out is required (exit 2)" || bad "--out required"

finish
