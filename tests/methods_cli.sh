#!/usr/bin/env bash
# --method on the command line (docs/fast_methods.md): auto picks the
# documented method for each model and the JSON and the summary say which
# ran and why; every invalid combination exits 2 with its reason and writes
# nothing; the tridiagonal method's --save-eigenvalues (dsterf on the band)
# agree with its O(d) statistics.
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"

# method_is WANT ARGS...: the spectrum study with ARGS runs the method WANT
# (JSON method.name; config.method is what was asked for).
method_is() {
  local want=$1
  shift
  rm -f "$work/m.json"
  if "$RMTMC" spectrum "$@" --trials 4 --backend cpu --quiet --json "$work/m.json" 2>"$work/stderr" &&
     python3 - "$work/m.json" "$want" <<'EOF'
import json, sys
a = json.load(open(sys.argv[1]))
m = a["method"]
assert m["name"] == sys.argv[2], m
assert m["requested"] == a["config"]["method"], (m, a["config"]["method"])
assert m["why"], m
print(m["requested"], "->", m["name"], ":", m["why"])
EOF
  then
    ok "$* runs $want"
  else
    bad "$* should run $want: $(head -c 300 "$work/stderr")"
  fi
}

method_is tridiagonal --d 60 --n 120
method_is tridiagonal --d 120 --n 60 --sigma points:3:1
method_is bartlett --d 30 --n 90 --sigma ar1:0.5
method_is bartlett --d 30 --n 90 --sigma spike:3
method_is bartlett --d 30 --n 90 --observables m,dm
method_is bartlett --d 8 --n 16
method_is dense --d 90 --n 30 --sigma ar1:0.5
method_is dense --d 30 --n 90 --entries rademacher
method_is dense --d 30 --n 90 --entries student:8 --sigma ar1:0.5
method_is dense --d 30 --n 90 --precision single
method_is dense --d 30 --n 90 --method dense
method_is bartlett --d 40 --n 30 --method bartlett --sigma points:1:0.5,2:0.5
method_is tridiagonal --d 40 --n 30 --method tridiagonal --z=-1,1+0.5i

# The summary names the method.
if "$RMTMC" spectrum --d 60 --n 120 --trials 4 --backend cpu 2>/dev/null | grep -q "^  method tridiagonal (auto:"; then
  ok "the summary names the method and why"
else
  bad "the summary names the method"
fi
"$RMTMC" spectrum --help | grep -q -- "--method M" && ok "spectrum --help documents --method" ||
  bad "spectrum --help documents --method"

# Invalid combinations: exit 2, the reason, no output.
expect_bad "unknown method" "dense, bartlett, tridiagonal or auto" spectrum --method fast
expect_bad "tridiagonal with ar1" "Sigma = s2 I" spectrum --d 20 --n 40 --trials 4 --method tridiagonal --sigma ar1:0.5
expect_bad "tridiagonal with a spike" "Sigma = s2 I" spectrum --d 20 --n 40 --trials 4 --method tridiagonal --sigma spike:2
expect_bad "tridiagonal with rademacher" "Gaussian entries" spectrum --d 20 --n 40 --trials 4 --method tridiagonal --entries rademacher
expect_bad "bartlett with student" "Gaussian entries" spectrum --d 20 --n 40 --trials 4 --method bartlett --entries student:6
expect_bad "tridiagonal with complex entries" "real data only" spectrum --d 20 --n 40 --trials 4 --method tridiagonal --entries complex-gaussian
expect_bad "bartlett with complex entries" "real data only" spectrum --d 20 --n 40 --trials 4 --method bartlett --entries complex-gaussian
expect_bad "tridiagonal in single precision" "double precision" spectrum --d 20 --n 40 --trials 4 --method tridiagonal --precision single
expect_bad "bartlett in single precision" "double precision" spectrum --d 20 --n 40 --trials 4 --method bartlett --precision single
expect_bad "tridiagonal with m'(z)" "m(z) only" spectrum --d 20 --n 40 --trials 4 --method tridiagonal --observables m,dm
expect_bad "tridiagonal, real z near the edge" "support edge" spectrum --d 100 --n 200 --trials 4 --method tridiagonal --z=-1,3.1

# --save-eigenvalues with the tridiagonal method: dsterf's eigenvalues agree
# with the O(d) statistics of the same trials.
if "$RMTMC" spectrum --d 40 --n 30 --trials 10 --seed 3 --method tridiagonal --z=-1,2+0.2i --backend cpu --quiet \
     --save-trials "$work/tt" --save-eigenvalues && python3 - "$work/tt" <<'EOF'
import ast, json, struct, sys
def npy(path):
    b = open(path, "rb").read()
    hl = struct.unpack("<H", b[8:10])[0]
    h = ast.literal_eval(b[10:10 + hl].decode())
    r, c = h["shape"]
    v = struct.unpack("<%dd" % (r * c), b[10 + hl:])
    return [v[i * c:(i + 1) * c] for i in range(r)]
ev, ob = npy(sys.argv[1] + "/eigenvalues.npy"), npy(sys.argv[1] + "/observables.npy")
names = [c["name"] for c in json.load(open(sys.argv[1] + "/columns.json"))["observables"]["columns"]]
lo, hi, m0, k2 = (names.index(x) for x in ("lambda_min", "lambda_max", "stieltjes_re_z0", "moment_2"))
assert len(ev) == 10 and len(ev[0]) == 40
for e, o in zip(ev, ob):
    assert all(e[i] <= e[i + 1] for i in range(39)) and e[:10] == (0.0,) * 10  # d - n = 10 zeros first
    assert abs(e[10] - o[lo]) <= 1e-13 * e[-1] and abs(e[-1] - o[hi]) <= 1e-13 * e[-1]
    assert abs(sum(1 / (x + 1) for x in e) / 40 - o[m0]) <= 1e-14
    assert abs(sum(x * x for x in e) / 40 - o[k2]) <= 1e-13 * o[k2]
EOF
then
  ok "tridiagonal --save-eigenvalues: 10 zeros then dsterf's eigenvalues, equal to the O(d) extremes, m(-1), moment 2"
else
  bad "tridiagonal --save-eigenvalues"
fi

finish
