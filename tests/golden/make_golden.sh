#!/usr/bin/env bash
# make_golden.sh BIN: (re)write the golden outputs tests/data/golden from the
# rmtmc binary BIN (default threads and batch).  Only the machine-independent
# files are kept: JSON, JSON lines, CSV, gnuplot scripts and the NumPy
# per-trial tables (no pictures, no report.html).  compare.py checks a run against them (golden_test.sh).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest=$here/../data/golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash "$here/run_cases.sh" "$1" "$work"
rm -rf "$dest"
mkdir -p "$dest"
(cd "$work" && find . -type f \( -name '*.json' -o -name '*.jsonl' -o -name '*.csv' -o -name '*.gp' -o -name '*.npy' \) | sort |
  while read -r f; do mkdir -p "$dest/$(dirname "$f")"; cp "$f" "$dest/$f"; done)
echo "golden outputs written to $dest ($(find "$dest" -type f | wc -l) files)"
