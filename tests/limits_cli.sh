#!/usr/bin/env bash
# Crashes and exhaustion (issue 10): thread counts beyond what OpenBLAS
# allows, sizes beyond the memory, numeric files that never end (/dev/zero,
# /dev/urandom, a FIFO, a directory), and output that cannot be written
# (stdout on /dev/full).  Each case: the right exit code, one clean line on
# stderr, within a second or two, and no crash.
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"

# run WANT_RC MAX_SECONDS STDERR_SUBSTRING what -- args
# Every refusal (WANT_RC 2) runs under a 4 GiB address-space limit: a command that allocated
# before checking its memory would fail to allocate (or be killed) instead
# of refusing with the bytes it needs.  The time limits are generous (the
# machine is shared): they catch a hang or an allocation spree, not speed;
# the times printed are what a quiet machine shows as "well under a second".
run() {
  local want=$1 secs=$2 sub=$3 what=$4
  shift 5
  local t0 t1 rc
  t0=$(date +%s.%N)
  local as=unlimited
  # (not under ASan, tests/sanitize.sh: its shadow memory needs terabytes of
  # address space; ASAN_OPTIONS hard_rss_limit_mb bounds the runs there)
  [ "$want" = 2 ] && [ -z "${RMTMC_TEST_NO_AS_LIMIT:-}" ] && as=4194304
  (ulimit -v $as && exec timeout 60 "$RMTMC" "$@") >"$work/out" 2>"$work/err"
  rc=$?
  t1=$(date +%s.%N)
  local dt
  dt=$(python3 -c "print(f'{$t1 - $t0:.2f}')")
  local lines clean
  lines=$(grep -c '' "$work/err")
  clean=$(LC_ALL=C grep -c '[^[:print:]]' "$work/err")
  if [ $rc -eq "$want" ] && python3 -c "import sys; sys.exit(0 if $dt <= $secs else 1)" &&
     { [ -z "$sub" ] || grep -q -- "$sub" "$work/err" "$work/out"; } && [ "$clean" -eq 0 ]; then
    ok "$what: exit $rc in $dt s${sub:+: $(grep -h -m1 -- "$sub" "$work/err" "$work/out" | head -1 | head -c 220)}"
  else
    bad "$what: exit $rc (want $want) in $dt s (limit $secs), $lines stderr lines, $clean with raw bytes: $(head -c 300 "$work/err")"
  fi
}

# ---- threads beyond OpenBLAS's MAX_THREADS: capped, never a crash ----
for i in 1 2 3 4; do
  run 0 60 "capped at" "ridge --threads 1024, run $i" -- ridge --d 20 --n 40 --trials 8000 --threads 1024 --backend cpu
  run 0 60 "capped at" "spectrum --threads 4096, run $i" -- spectrum --d 20 --n 40 --trials 20000 --threads 4096 --backend cpu
done

# ---- sizes beyond the memory: refused before anything is allocated ----
run 2 10 "bytes) are available" "theory --d 3000000000" -- theory --d 3000000000
run 2 10 "bytes) are available" "spectrum --d 2000000000 --n 1" -- spectrum --d 2000000000 --n 1 --backend cpu

# ---- numeric files with bounded memory and time ----
mkfifo "$work/fifo"
mkdir "$work/dir"
for f in /dev/zero /dev/urandom "$work/fifo" "$work/dir"; do
  run 2 10 "--sigma file:" "--sigma file:$f" -- spectrum --d 4 --n 8 --backend cpu --sigma "file:$f"
  run 2 10 "--alpha $f" "--alpha file:$f" -- generative contexts --contexts 3 --backend cpu --alpha "file:$f"
  run 2 10 "--means $f" "--means file:$f" -- generative mixture --d 3 --backend cpu --means "file:$f"
done
head -c 200000 /dev/urandom >"$work/random.bin"
run 2 10 "--sigma file:" "--sigma file: of random bytes (reported escaped)" -- spectrum --d 4 --n 8 --backend cpu --sigma "file:$work/random.bin"
{ printf '# '; head -c 3000000 /dev/zero | tr '\0' 'c'; printf '\n1\n2\n3\n4\n'; } >"$work/long_comment.txt"
run 0 30 "" "--sigma file: with a 3 MB comment line" -- spectrum --d 4 --n 8 --trials 4 --backend cpu --quiet --sigma "file:$work/long_comment.txt"
seq 1 100000 >"$work/many.txt"
run 2 10 "holds more than 4 eigenvalues" "--sigma file: with 100000 numbers for d = 4" -- spectrum --d 4 --n 8 --backend cpu --sigma "file:$work/many.txt"
run 2 10 "the most this study can use" "--alpha file: with 100000 numbers for c = 3" -- generative contexts --contexts 3 --backend cpu --alpha "file:$work/many.txt"

# ---- exit codes when the output cannot be written ----
# As root a private node with the numbers of /dev/full (never the machine's own).
full=/dev/full
[ "$(id -u)" -eq 0 ] && mknod -m 666 "$work/full" c 1 7 2>/dev/null && full=$work/full
for cmd in "theory" "theory --help" "spectrum --d 10 --n 20 --trials 4 --backend cpu" "theory --json -" \
           "ridge --d 6 --n 12 --trials 4 --backend cpu"; do
  timeout 60 "$RMTMC" $cmd >"$full" 2>"$work/err"
  rc=$?
  if [ $rc -eq 1 ] && grep -q "No space left on device" "$work/err"; then
    ok "rmtmc $cmd > /dev/full: exit 1: $(head -c 200 "$work/err")"
  else
    bad "rmtmc $cmd > /dev/full: exit $rc (want 1): $(head -c 200 "$work/err")"
  fi
done
timeout 60 "$RMTMC" theory >"$full" 2>"$work/err"
grep -q "standard output: cannot write" "$work/err" && ! grep -q -- "--json" "$work/err" &&
  ok "rmtmc theory > /dev/full names standard output, not an option the user did not give" ||
  bad "theory > /dev/full message: $(head -c 200 "$work/err")"
run 1 30 "No space left on device" "spectrum --json /dev/full" -- spectrum --d 10 --n 20 --trials 4 --backend cpu --quiet --json "$full"
[ -c "$full" ] && ok "the /dev/full node is still a character device" || bad "the /dev/full node was replaced"

# ---- numbers that overflow or underflow get a correct message ----
run 2 10 "too close to 0: below 2.2250738585072014e-308" "theory --eta 1e-320" -- theory --eta 1e-320
run 2 10 "is too large (at most 1e+60" "theory --sigma points:1e300:1" -- theory --sigma points:1e300:1
run 2 10 "is too large (at most 1e+60" "spectrum --sigma points:1e300:1" -- spectrum --d 4 --n 8 --backend cpu --sigma points:1e300:1
run 0 30 "seed 18446744073709551615" "spectrum --seed 18446744073709551615 (2^64 - 1 is a seed)" -- spectrum --d 4 --n 8 --trials 4 --backend cpu --seed 18446744073709551615
run 2 10 "the largest value is 18446744073709551615" "spectrum --seed 18446744073709551616" -- spectrum --d 4 --n 8 --backend cpu --seed 18446744073709551616
run 2 10 "is negative" "spectrum --seed -1" -- spectrum --d 4 --n 8 --backend cpu --seed -1
run 2 10 "the largest integer is 9223372036854775807" "spectrum --trials 9223372036854775808" -- spectrum --trials 9223372036854775808
run 2 10 "beyond 1.7976931348623157e+308" "ridge --noise 1e400" -- ridge --noise 1e400
run 2 10 "not a finite number" "theory --eta nan" -- theory --eta nan
run 2 10 "a part of it is too close to 0" "spectrum --z=1+1e-320i" -- spectrum --d 4 --n 8 --backend cpu --z=1+1e-320i
run 2 10 "more than 2^53" "theory --eta 1e-300" -- theory --eta 1e-300

# ---- one clean stderr line ----
"$RMTMC" spectrum --d 6 --n 12 --trials 4 --backend auto --quiet >"$work/out" 2>"$work/err"
[ $? -eq 0 ] && [ ! -s "$work/err" ] && [ ! -s "$work/out" ] && ok "--quiet: nothing on stdout or stderr (the CUDA fall-back note is silenced)" ||
  bad "--quiet: stdout '$(head -c 200 "$work/out")', stderr '$(head -c 200 "$work/err")'"
"$RMTMC" spectrum --d 6 --n 12 --trials 4 --backend auto >"$work/out" 2>"$work/err"
[ $? -eq 0 ] && [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "^rmtmc spectrum: running d = 6" "$work/err" &&
  grep -q "CUDA" "$work/out" &&
  ok "without --quiet: the backend note is a line of the summary on stdout, stderr holds only the configuration line" ||
  bad "backend note: stderr '$(head -c 300 "$work/err")'"
# A gnuplot that fails noisily: its noise goes to a log, one line on our stderr.
mkdir -p "$work/fakebin"
printf '#!/bin/sh\nprintf "\\033[31mnoise line 1\\nnoise line 2\\n" >&2\nexit 3\n' >"$work/fakebin/gnuplot"
chmod +x "$work/fakebin/gnuplot"
PATH="$work/fakebin:$PATH" "$RMTMC" spectrum --d 6 --n 12 --trials 4 --backend cpu --quiet --out "$work/gp1" >"$work/out" 2>"$work/err"
rc=$?
lines=$(grep -c '' "$work/err")
clean=$(LC_ALL=C grep -c '[^[:print:]]' "$work/err")
[ $rc -eq 0 ] && [ "$lines" -eq 2 ] && [ "$clean" -eq 0 ] && grep -qF 'gnuplot plot_density.gp failed (exit 3): \x1b[31mnoise line 1' "$work/err" &&
  [ ! -e "$work/gp1/gnuplot.log" ] && [ -s "$work/gp1/result.json" ] &&
  ok "a failing gnuplot: one clean line per script on stderr, its noise captured and not left in DIR" ||
  bad "failing gnuplot: rc=$rc, $lines lines, $clean with raw bytes: $(head -c 400 "$work/err"); log left: $([ -e "$work/gp1/gnuplot.log" ] && echo yes)"
PATH="$work/fakebin:$PATH" "$RMTMC" spectrum --d 6 --n 12 --trials 4 --backend cpu --quiet --out "$work/gp2" --gnuplot-log 2>"$work/err"
[ $? -eq 0 ] && grep -q "noise line 2" "$work/gp2/gnuplot.log" && grep -q "^gnuplot.log$" "$work/gp2/.rmtmc-output" &&
  ok "--gnuplot-log keeps gnuplot's output as DIR/gnuplot.log" || bad "--gnuplot-log: $(head -c 300 "$work/err")"
"$RMTMC" "spectrum" --d $'4\x1b[2J' 2>"$work/err"
[ $? -eq 2 ] && [ "$(LC_ALL=C grep -c '[^[:print:]]' "$work/err")" -eq 0 ] && [ "$(grep -c '' "$work/err")" -eq 1 ] &&
  ok "an argument with an escape sequence is echoed escaped: $(cat "$work/err")" || bad "raw argument bytes: $(cat -v "$work/err")"
"$RMTMC" $'sp\xffectrum' 2>"$work/err"
[ $? -eq 2 ] && [ "$(LC_ALL=C grep -c '[^[:print:]]' "$work/err")" -eq 0 ] && ok "an unknown command is echoed escaped: $(cat "$work/err")" ||
  bad "unknown command: $(cat -v "$work/err")"

finish
