#!/usr/bin/env bash
# The spectrum command's outputs through the output transaction
# (include/rmtmc_output.h), end to end: --out creates its parents; a bad
# destination is refused before the study; special destinations (/dev/null,
# a FIFO, a symlink, -, /dev/full); an output directory holds exactly one
# run's files; a directory rmtmc did not write is never touched; a full disk
# at write time (tiny tmpfs, root only) and SIGTERM/SIGINT/kill -9 during
# the write leave nothing (or, after kill -9, only a recognisable temporary
# that the next run removes); concurrent runs never mix.
set -u
RMTMC=$1
work=$(mktemp -d)
mnt=""
cleanup() {
  [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
pass=0 fail=0
ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1"; fail=$((fail + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }
small="spectrum --d 30 --n 60 --trials 20 --bins 10 --backend cpu --quiet"
big="spectrum --d 200 --n 400 --trials 200000 --backend cpu --quiet" # an hour: must never start (the 20 s limit allows for a shared machine)
ntmp() { find "$work" -name '.rmtmc-tmp.*' | wc -l; }
have_gnuplot=0
command -v gnuplot >/dev/null 2>&1 && have_gnuplot=1

# ---- --out creates its missing parents ----
"$RMTMC" $small --out "$work/results/a/b" --json "$work/r.json" 2>"$work/err"
check "--out results/a/b creates the parents" '[ $? -eq 0 ] && [ -s "$work/results/a/b/result.json" ] && [ -s "$work/r.json" ] && [ -s "$work/results/a/b/report.html" ]'
check "the output directory carries the rmtmc marker" 'grep -q "^result.json$" "$work/results/a/b/.rmtmc-output"'
check "no temporary names left" '[ "$(ntmp)" -eq 0 ]'

# ---- bad destinations: exit 2 at once, before the (long) study ----
refuse() { # what, stderr substring, args...
  local what=$1 want=$2
  shift 2
  local t0=$SECONDS
  "$RMTMC" $big "$@" >"$work/out" 2>"$work/err"
  local rc=$? dt=$((SECONDS - t0))
  if [ $rc -eq 2 ] && [ $dt -le 20 ] && grep -q -- "$want" "$work/err" && [ "$(ntmp)" -eq 0 ]; then
    ok "refused before the study ($what): $(head -c 200 "$work/err")"
  else
    bad "$what: rc=$rc in ${dt}s, stderr '$(head -c 300 "$work/err")'"
  fi
}
touch "$work/file.json"
mkdir "$work/mine" && echo "keep" >"$work/mine/notes.txt"
long=$(printf 'x%.0s' $(seq 300))
refuse "a 300-byte file name" "more than the 255 bytes" --json "$work/$long"
refuse "a 300-byte directory name" "more than the 255 bytes" --out "$work/$long"
refuse "--out file.json/" "not a directory" --out "$work/file.json/"
refuse "--json naming a directory" "is a directory" --json "$work/mine"
refuse "--json in a missing directory" "does not exist" --json "$work/nodir/r.json"
refuse "--out a directory rmtmc did not write" "was not written by rmtmc" --out "$work/mine"
check "... and its files are untouched" '[ "$(cat "$work/mine/notes.txt")" = keep ] && [ "$(ls -A "$work/mine")" = notes.txt ]'
refuse "--out the current directory" "current directory" --out .
if [ "$(id -u)" -ne 0 ]; then
  mkdir -p "$work/ro/out" && chmod 555 "$work/ro/out" "$work/ro"
  refuse "a read-only existing --out" "not writable" --out "$work/ro/out"
  chmod 755 "$work/ro" "$work/ro/out"
elif mkdir -p "$work/romnt" && mount -t tmpfs -o size=64k tmpfs "$work/romnt" 2>/dev/null; then
  mnt="$work/romnt"
  mkdir "$mnt/out" && mount -o remount,ro "$mnt"
  refuse "a read-only existing --out (read-only mount)" "not writable" --out "$mnt/out"
  refuse "--json on a read-only mount" "not writable" --json "$mnt/r.json"
  umount "$mnt" && mnt=""
else
  echo "skip  read-only --out (root without mount)"
fi

# ---- special destinations ----
# As root the devices are private copies (same major/minor as /dev/null and
# /dev/full), so that a regression can never replace the machine's own.
null=/dev/null full=/dev/full
if [ "$(id -u)" -eq 0 ] && mknod -m 666 "$work/null" c 1 3 && mknod -m 666 "$work/full" c 1 7; then
  null=$work/null full=$work/full
  "$RMTMC" $small --json "$null"
  check "--json on a /dev/null node as root: exit 0, the node stays a character device" '[ $? -eq 0 ] && [ -c "$null" ]'
fi
"$RMTMC" $small --json "$full" --out "$work/full-out" 2>"$work/err"
check "--json /dev/full: exit 1 with the OS reason, --out not written" '[ $? -eq 1 ] && grep -q "No space left on device" "$work/err" && [ ! -e "$work/full-out" ] && [ "$(ntmp)" -eq 0 ] && [ -c "$full" ]'
ln -s target.json "$work/link.json"
"$RMTMC" $small --json "$work/link.json"
check "--json through a symlink: the target is written, the link stays" '[ -L "$work/link.json" ] && python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$work/target.json"'
mkfifo "$work/fifo"
cat "$work/fifo" >"$work/fifo.got" &
"$RMTMC" $small --json "$work/fifo"
rc=$?
wait
check "--json FIFO: written through to its reader, still a FIFO" '[ $rc -eq 0 ] && [ -p "$work/fifo" ] && python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$work/fifo.got"'
"$RMTMC" spectrum --d 30 --n 60 --trials 20 --bins 10 --backend cpu --json - >"$work/stdout.json" 2>"$work/stderr.txt"
check "--json -: standard output is the JSON alone, the summary goes to stderr" 'python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$work/stdout.json" && grep -q verdict "$work/stderr.txt"'

# ---- DIR holds exactly one run's files ----
if [ $have_gnuplot -eq 1 ]; then
  "$RMTMC" $small --d 40 --out "$work/stale"
  check "a run with pictures draws density.png" '[ -s "$work/stale/density.png" ]'
  "$RMTMC" $small --d 32 --out "$work/stale" --no-plots
  check "a rerun with --no-plots leaves no old picture or script" '[ -z "$(ls "$work/stale" | grep -E "\.(png|svg|gp)$")" ] && grep -q "\"d\": 32" "$work/stale/result.json"'
  check "... and report.html embeds no picture" '! grep -q "data:image/png" "$work/stale/report.html"'
else
  echo "skip  stale pictures (gnuplot not installed)"
fi
echo "mine" >"$work/results/a/b/added.txt"
"$RMTMC" $small --out "$work/results/a/b" 2>"$work/err"
check "an rmtmc directory with a file the user added is refused (exit 2), the file kept" '[ $? -eq 2 ] && grep -q "added.txt" "$work/err" && [ -f "$work/results/a/b/added.txt" ]'
rm "$work/results/a/b/added.txt"

# ---- a full disk at write time (root with mount only) ----
if [ "$(id -u)" -eq 0 ] && mkdir -p "$work/tiny" && mount -t tmpfs -o size=128k tmpfs "$work/tiny" 2>/dev/null; then
  mnt="$work/tiny"
  "$RMTMC" $small --bins 20000 --out "$mnt/out" --json "$work/late.json" 2>"$work/err"
  rc=$?
  check "disk full while writing --out: exit 1, 'No space left on device', nothing left on the disk or beside --json" '[ $rc -eq 1 ] && grep -q "No space left on device" "$work/err" && [ -z "$(ls -A "$mnt")" ] && [ ! -e "$work/late.json" ]'
  head -c 100000 /dev/zero >"$mnt/filler"
  "$RMTMC" $small --bins 2000 --json "$mnt/r.json" 2>"$work/err"
  rc=$?
  check "disk full while writing --json: exit 1, nothing left" '[ $rc -eq 1 ] && grep -q "No space left on device" "$work/err" && [ "$(ls -A "$mnt")" = filler ]'
  umount "$mnt" && mnt=""
else
  echo "skip  disk full (needs root and mount for a tiny tmpfs)"
fi

# ---- signals during the write phase ----
# A FIFO --json blocks the commit until a reader opens it: by then every
# other output exists under its temporary name (the marker is written last).
# Background jobs of a script ignore SIGINT, so the run starts through a
# launcher that restores the default disposition.
launch() { exec python3 -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' "$@"; }
sealed() { find "$work" -path '*/.rmtmc-tmp.*/.rmtmc-output' | wc -l; }
reap() { # pid: wait at most 20 s, then kill -9 (a hang is a failure, never a stuck test)
  local i
  for i in $(seq 200); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  kill -0 "$1" 2>/dev/null && { kill -9 "$1"; echo "      (had to kill -9 $1)"; }
  wait "$1"
}
for sig in TERM INT; do
  rm -f "$work/sfifo" && mkfifo "$work/sfifo"
  launch "$RMTMC" $small --out "$work/sig/out" --json "$work/sfifo" &
  pid=$!
  for i in $(seq 200); do [ "$(sealed)" -gt 0 ] && break; sleep 0.1; done
  before=$(ntmp)
  kill -$sig $pid
  reap $pid
  rc=$?
  check "SIG$sig while writing: killed by the signal (rc $rc), the temporary directory ($before) and the created parents removed" '[ $before -ge 1 ] && [ $rc -ge 128 ] && [ "$(ntmp)" -eq 0 ] && [ ! -e "$work/sig" ]'
done
rm -f "$work/sfifo" && mkfifo "$work/sfifo"
mkdir -p "$work/k9"
"$RMTMC" $small --out "$work/k9/out" --json "$work/sfifo" &
pid=$!
for i in $(seq 200); do [ "$(sealed)" -gt 0 ] && break; sleep 0.1; done
kill -9 $pid
wait $pid 2>/dev/null
left=$(ls -A "$work/k9")
check "kill -9 while writing leaves only a recognisable temporary (.rmtmc-tmp.$pid...)" '[ -n "$left" ] && [ ! -e "$work/k9/out" ] && echo "$left" | grep -q "^\.rmtmc-tmp\.$pid\."'
"$RMTMC" $small --out "$work/k9/out"
check "the next run into the same --out removes it" '[ $? -eq 0 ] && [ "$(ls -A "$work/k9")" = out ]'

# ---- concurrent runs never mix ----
mixed=0
for round in 1 2 3; do
  "$RMTMC" $small --seed 11 --out "$work/conc" --json "$work/conc.json" --no-plots &
  p1=$!
  "$RMTMC" $small --seed 22 --out "$work/conc" --json "$work/conc.json" --no-plots &
  p2=$!
  wait $p1; r1=$?
  wait $p2; r2=$?
  python3 - "$work/conc.json" "$work/conc/result.json" "$r1" "$r2" <<'PY' || mixed=$((mixed + 1))
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert sys.argv[3] == "0" and sys.argv[4] == "0", "a run failed"
assert a["config"]["seed"] == b["config"]["seed"], "--json and --out from different runs"
PY
done
check "two concurrent runs into the same --out and --json, 3 rounds: both succeed, outputs from one run" '[ $mixed -eq 0 ] && [ "$(ntmp)" -eq 0 ]'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
