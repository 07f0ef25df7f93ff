#!/usr/bin/env bash
# golden_test.sh BIN: every golden case (cases.sh) rerun on the CPU with
# (threads, batch) = (1, 1), (2, 7) and (2, automatic) must give the stored
# outputs of tests/data/golden number for number (compare.py: every JSON
# number, CSV, script and per-trial .npy file byte for byte, except the
# machine-dependent fields listed there).
set -u
BIN=$1
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
for shape in "1 1" "2 7" "2 0"; do
  threads=${shape% *}
  batch=${shape#* }
  tag="threads $threads, batch $([ "$batch" = 0 ] && echo auto || echo "$batch")"
  out=$work/t${threads}_b$batch
  if ! bash "$here/run_cases.sh" "$BIN" "$out" "$threads" "$batch"; then
    echo "FAIL  $tag: a case did not run"
    fail=1
    continue
  fi
  if python3 "$here/compare.py" "$here/../data/golden" "$out"; then
    echo "ok    $tag: every golden output identical"
  else
    echo "FAIL  $tag: outputs differ from tests/data/golden (see above)"
    fail=1
  fi
done
exit $fail
