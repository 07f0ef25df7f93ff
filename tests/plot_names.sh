#!/usr/bin/env bash
# User text is data: a --sigma file: name with backquotes, $( ), quotes, a
# newline or a semicolon ends up in the pictures' titles, and gnuplot must
# never run any of it.  Each hostile name holds a valid population spectrum;
# the study and its pictures must succeed, and no file named PWNED* may
# appear anywhere.  Skips (77) without gnuplot.
set -u
RMTMC=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
command -v gnuplot >/dev/null 2>&1 || { echo "skip: gnuplot not installed"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
nl=$'\n'
names=(
  'a`touch PWNED1`b'
  'c$(touch PWNED2)d'
  "e${nl}system \"touch PWNED3\"${nl}f"
  'g"; system "touch PWNED4"; x="h'
  "i'; system 'touch PWNED5'; x='j"
  'k;touch PWNED6;l'
  'm\"`touch PWNED7`\n'
  'n@PWNED8 {\ud} ^_&'
)
i=0
for name in "${names[@]}"; do
  i=$((i + 1))
  mkdir -p "$work/case$i"
  printf '1\n2\n1\n2\n1\n2\n' >"$work/case$i/$name"
  for cmd in spectrum ridge; do
    out="$work/case$i/out-$cmd"
    if [ $cmd = spectrum ]; then
      args=(spectrum --d 6 --n 12 --trials 4 --bins 8)
    else
      args=(ridge --d 6 --n 12 --trials 4 --lambda 0.1,1)
    fi
    (cd "$work/case$i" && "$RMTMC" "${args[@]}" --backend cpu --quiet --sigma "file:$work/case$i/$name" --out "$out") \
      >"$work/stdout" 2>"$work/stderr"
    rc=$?
    pwned=$(find "$work" -name 'PWNED*' | wc -l)
    pics=$(ls "$out"/*.png 2>/dev/null | wc -l)
    shown=$(printf '%q' "$name")
    if [ $rc -eq 0 ] && [ "$pwned" -eq 0 ] && [ "$pics" -ge 1 ] && ! grep -qi "gnuplot.*failed" "$work/stderr"; then
      echo "ok    $cmd --sigma file:$shown: pictures drawn ($pics), nothing executed"
      pass=$((pass + 1))
    else
      echo "FAIL  $cmd --sigma file:$shown: rc=$rc, PWNED files: $pwned, pictures: $pics, stderr: $(head -c 300 "$work/stderr")"
      fail=$((fail + 1))
      find "$work" -name 'PWNED*' -delete
    fi
  done
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
