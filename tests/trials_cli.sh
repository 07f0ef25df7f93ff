#!/usr/bin/env bash
# Per-trial output (--save-trials DIR, --save-eigenvalues; docs/per_trial.md):
# NumPy .npy 1.0 files (float64, C order, trials x columns) and columns.json,
# byte for byte the same for any --threads and --batch, for every Monte
# Carlo study; the rows are the trials behind the reported means; bad uses
# exit 2 with no output.  Also --observables m,dm (m'(z) rows).
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"

spec="spectrum --d 24 --n 40 --trials 70 --seed 4 --z=-1,1+0.3i --observables m,dm --backend cpu --quiet"
"$RMTMC" $spec --threads 1 --batch 1 --json "$work/a.json" --save-trials "$work/a" --save-eigenvalues &&
  "$RMTMC" $spec --threads 2 --batch 7 --save-trials "$work/b" --save-eigenvalues &&
  "$RMTMC" $spec --threads 2 --save-trials "$work/c" --save-eigenvalues && ok "spectrum --save-trials runs" ||
  bad "spectrum --save-trials runs"
for f in observables.npy eigenvalues.npy columns.json; do
  cmp -s "$work/a/$f" "$work/b/$f" && cmp -s "$work/a/$f" "$work/c/$f" && ok "spectrum $f identical for (threads, batch) = (1, 1), (2, 7), (2, auto)" ||
    bad "spectrum $f differs across threads/batch"
done
python3 - "$work/a" "$work/a.json" <<'PY' && ok "npy 1.0 headers, shapes, columns.json and the rows behind the JSON means" || bad "npy / columns.json contents"
import ast, json, struct, sys
d, res = sys.argv[1], json.load(open(sys.argv[2]))
def npy(path):
    b = open(path, "rb").read()
    assert b[:6] == b"\x93NUMPY" and b[6:8] == b"\x01\x00", "not NPY 1.0"
    hlen = struct.unpack("<H", b[8:10])[0]
    assert (10 + hlen) % 64 == 0 and b[10 + hlen - 1:10 + hlen] == b"\n"
    h = ast.literal_eval(b[10:10 + hlen].decode("latin1"))
    assert h["descr"] == "<f8" and h["fortran_order"] is False
    rows, cols = h["shape"]
    data = b[10 + hlen:]
    assert len(data) == 8 * rows * cols
    vals = struct.unpack("<%dd" % (rows * cols), data)
    return rows, cols, [vals[i * cols:(i + 1) * cols] for i in range(rows)]
rows, cols, x = npy(d + "/observables.npy")
c = json.load(open(d + "/columns.json"))
assert c["schema"] == "rmtmc.columns/1" and c["study"] == "spectrum" and c["trials"] == 70 == rows
cl = c["observables"]["columns"]
assert len(cl) == cols == 2 * 2 * 2 + 2 + 4, cols
names = [k["name"] for k in cl]
assert len(set(names)) == len(names), "column names must be unique"
j = names.index("stieltjes_re_z0")
assert cl[j]["z_re"] == -1 and cl[j]["z_im"] == 0
mean = sum(r[j] for r in x) / rows
want = res["stieltjes"][0]["empirical"]["re"]
assert abs(mean - want) <= 1e-12 * abs(want), (mean, want)
k = names.index("stieltjes_derivative_im_z1")
mean = sum(r[k] for r in x) / rows
want = res["stieltjes_derivative"][1]["empirical"]["im"]
assert abs(mean - want) <= 1e-12 * abs(want), (mean, want)
er, ec, ev = npy(d + "/eigenvalues.npy")
assert (er, ec) == (70, 24) and c["eigenvalues"]["shape"] == [70, 24]
assert all(all(r[i] <= r[i + 1] for i in range(ec - 1)) for r in ev), "eigenvalues ascending"
m = names.index("lambda_max")
assert all(x[t][m] == ev[t][-1] for t in range(rows)), "lambda_max column = last eigenvalue"
PY

# every other Monte Carlo study
for s in "ridge --d 20 --n 30 --trials 66 --sigma ar1:0.4" "generative contexts --contexts 9 --k 3 --d 12 --n 90 --trials 66 --counts multinomial" \
         "generative mixture --d 10 --n 25 --trials 66"; do
  name=$(echo "$s" | cut -d' ' -f1-2 | tr ' ' _)
  # shellcheck disable=SC2086
  if "$RMTMC" $s --seed 3 --backend cpu --quiet --threads 1 --batch 1 --save-trials "$work/${name}_1" &&
     "$RMTMC" $s --seed 3 --backend cpu --quiet --threads 2 --batch 5 --save-trials "$work/${name}_2" &&
     cmp -s "$work/${name}_1/observables.npy" "$work/${name}_2/observables.npy" &&
     cmp -s "$work/${name}_1/columns.json" "$work/${name}_2/columns.json" && [ ! -e "$work/${name}_1/eigenvalues.npy" ] &&
     python3 -c "
import json,sys; c=json.load(open(sys.argv[1])); n=[x['name'] for x in c['observables']['columns']]
assert c['trials']==66 and len(set(n))==len(n) and c['observables']['shape'][0]==66, n" "$work/${name}_1/columns.json"; then
    ok "${s%% --*}: per-trial table identical for (1, 1) and (2, 5)"
  else
    bad "${s%% --*}: per-trial table"
  fi
done

expect_bad "--save-eigenvalues without --save-trials" "needs --save-trials" spectrum --d 8 --n 16 --trials 4 --save-eigenvalues
expect_bad "--save-eigenvalues for ridge" "unknown option" ridge --d 8 --n 16 --trials 4 --save-trials "$work/tr" --save-eigenvalues
expect_bad "theory --save-trials" "no Monte Carlo" theory --save-trials "$work/tr"
"$RMTMC" spectrum --d 8 --n 16 --trials 4 --quiet --save-trials "$work/no/such/dir" 2>"$work/err"
[ $? -eq 0 ] && [ -s "$work/no/such/dir/observables.npy" ] && ok "--save-trials into a missing directory creates it and its parents (as --out)" ||
  bad "--save-trials into a missing directory: $(cat "$work/err")"
rm -rf "$work/no"
expect_bad "--observables foo" "not one of" spectrum --d 8 --n 16 --trials 4 --observables m,foo --save-trials "$work/tr"
[ ! -e "$work/tr" ] && ok "nothing written to --save-trials by the refused runs" || bad "a refused run wrote $work/tr"
rm -rf "$work/sw"
"$RMTMC" sweep --values 10,20 --trials 4 --out "$work/sw" --save-trials "$work/tr" >/dev/null 2>"$work/stderr"
rc=$?
[ $rc -eq 2 ] && grep -q "not a sweep option" "$work/stderr" && [ ! -e "$work/sw" ] && [ ! -e "$work/tr" ] &&
  ok "sweep --save-trials: exit 2, $(head -c 120 "$work/stderr")" || bad "sweep --save-trials: rc=$rc $(cat "$work/stderr")"

finish
