#!/usr/bin/env bash
# The README as a new user runs it: from a fresh copy of the tree (tracked
# files only, so no results/ and no build/), the study steps of the two
# commands (the ./build/rmtmc lines of scripts/setup.sh; scripts/test.sh
# runs only ctest) and then every example line of README.md's Usage and
# "Pictures and sweeps" code blocks, exactly as written, in order, against
# the binary already built (build/rmtmc in the copy links to it).
#
# Every line runs exactly as written.  One exception, printed when it
# applies: --backend cuda without a CUDA device must fail cleanly (exit 2, a
# message that says to use --backend cpu); with a device it must succeed.
# Each line must exit 0, write what its --out / --json / --save-trials name
# (valid JSON), and say what it wrote.
set -u
SRC=$(cd "$1" && pwd)
RMTMC=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
pass=0 fail=0
ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1"; fail=$((fail + 1)); }

# ---- a fresh copy: the files git knows (tracked, or new and not ignored) ----
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  (cd "$SRC" && git ls-files -z --cached --others --exclude-standard) |
    while IFS= read -r -d '' f; do
      [ -e "$SRC/$f" ] && mkdir -p "$copy/$(dirname "$f")" && cp -p "$SRC/$f" "$copy/$f"
    done
else
  (cd "$SRC" && tar --exclude='./build*' --exclude=./results --exclude=./.git -cf - .) | (cd "$copy" && tar -xf -)
fi
[ -f "$copy/README.md" ] && [ ! -e "$copy/results" ] && ok "fresh copy of the tree, without results/" ||
  bad "fresh copy (README.md present, no results/)"
mkdir -p "$copy/build" && ln -s "$RMTMC" "$copy/build/rmtmc"

# ---- the lines ----
lines=$(
  grep -E '^\./build/rmtmc ' "$copy/scripts/setup.sh"
  awk '/^## (Usage|Pictures and sweeps)/ {sec = 1; next} /^## / {sec = 0}
       sec && /^```/ {blk = !blk; next}
       sec && blk && /^(\.\/)?build\/rmtmc / {print}' "$copy/README.md"
)
[ -n "$lines" ] || bad "no example lines found in README.md"
has_gpu=0
"$RMTMC" spectrum --d 2 --n 4 --trials 2 --backend cuda --quiet >/dev/null 2>&1 && has_gpu=1

while IFS= read -r line; do
  [ -n "$line" ] || continue
  cmd=${line%%#*}             # the shell comment after a line is not part of it
  cmd=${cmd%"${cmd##*[![:space:]]}"}
  run=$cmd note=""
  t0=$SECONDS
  (cd "$copy" && bash -c "$run") >"$copy/.stdout" 2>"$copy/.stderr" </dev/null
  rc=$? dt=$((SECONDS - t0))
  if [[ "$cmd" == *"--backend cuda"* ]] && [ $has_gpu -eq 0 ]; then
    if [ $rc -eq 2 ] && grep -q -- "--backend cpu" "$copy/.stderr"; then
      ok "$cmd: no CUDA device, exit 2 with a clear message (expected here)"
    else
      bad "$cmd: without a device: rc=$rc, stderr: $(head -c 300 "$copy/.stderr")"
    fi
    continue
  fi
  outdir=$(sed -n 's/.*--out \([^ ]*\).*/\1/p' <<<"$cmd")
  json=$(sed -n 's/.*--json \([^ ]*\).*/\1/p' <<<"$cmd")
  trials=$(sed -n 's/.*--save-trials \([^ ]*\).*/\1/p' <<<"$cmd")
  good=1
  [ $rc -eq 0 ] || good=0
  if [ -n "$outdir" ] && [ ! -s "$copy/$outdir/result.json" ] && [ ! -s "$copy/$outdir/sweep.json" ]; then good=0; fi
  if [ -n "$json" ] && ! python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$copy/$json" 2>/dev/null; then good=0; fi
  if [ -n "$trials" ] && [ ! -s "$copy/$trials/observables.npy" ]; then good=0; fi
  if [ -n "$outdir$json$trials" ] && ! grep -q "^wrote: " "$copy/.stdout"; then good=0; fi
  if [ $good -eq 1 ]; then
    ok "$cmd$note: exit 0 in ${dt}s${outdir:+, $outdir written}${json:+, $json valid JSON}"
  else
    bad "$cmd$note: rc=$rc in ${dt}s, stderr: $(head -c 400 "$copy/.stderr")"
  fi
done <<<"$lines"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
