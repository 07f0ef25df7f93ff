#!/usr/bin/env bash
# Every bad input: one clear line on stderr, exit code 2, no output file.
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"

printf '1\n2\nabc\n' >"$work/bad_sigma.txt"
printf '1\n2\n' >"$work/short_sigma.txt"
printf '1\n-2\n1\n1\n' >"$work/neg_sigma.txt"

expect_bad "d = 0" "must be" spectrum --d 0
expect_bad "negative n" "must be" spectrum --n -5
expect_bad "non-integer d" "not an integer" spectrum --d 12x
expect_bad "one trial" "trials" spectrum --trials 1
expect_bad "weights not summing to 1" "sum to 1" spectrum --d 10 --n 20 --sigma points:1:0.5,2:0.4
expect_bad "malformed points" "EIGENVALUE:WEIGHT" spectrum --d 10 --n 20 --sigma points:1,2
expect_bad "student NU <= 4" "must be > 4" spectrum --entries student:4
expect_bad "unknown entries" "not understood" spectrum --entries cauchy
expect_bad "real z on the support" "lies on the support" spectrum --d 10 --n 20 --z 1.0
expect_bad "z = 0 with d > n" "eigenvalues at 0" spectrum --d 20 --n 10 --z 0
expect_bad "malformed z" "not a number" spectrum --z 1+i2
expect_bad "unreadable sigma file" "cannot open" spectrum --d 4 --n 8 --sigma file:$work/missing.txt
expect_bad "malformed sigma file" "not a number" spectrum --d 3 --n 8 --sigma file:$work/bad_sigma.txt
expect_bad "sigma file of the wrong length" "holds 2 eigenvalues" spectrum --d 4 --n 8 --sigma file:$work/short_sigma.txt
expect_bad "covariance not PSD (file)" "positive semi-definite" spectrum --d 4 --n 8 --sigma file:$work/neg_sigma.txt
expect_bad "covariance not PSD (points)" "positive semi-definite" spectrum --d 4 --n 8 --sigma points:-1:0.5,1:0.5
expect_bad "covariance not PSD (spike)" "positive semi-definite" spectrum --d 4 --n 8 --sigma spike:-2
expect_bad "ar1 with |rho| >= 1" "must be < 1" spectrum --d 4 --n 8 --sigma ar1:1.5
expect_bad "unknown sigma" "not understood" spectrum --sigma wishart
expect_bad "too large for memory" "memory" spectrum --d 2000000 --n 2000000 --trials 2 --method dense
expect_bad "unknown option" "unknown option" spectrum --frobnicate 3
expect_bad "missing value" "needs a value" spectrum --d
expect_bad "bad backend" "not understood" spectrum --backend tpu
expect_bad "negative device" "must be >= 0" spectrum --device -1
expect_bad "device beyond any ordinal" "not a CUDA device ordinal" ridge --device 5000
expect_bad "bad precision" "precision" spectrum --precision half
expect_bad "theory: eta <= 0" "must be > 0" theory --eta 0
expect_bad "theory: bad sigma" "not understood" theory --sigma foo

# --backend cuda without a device (or without the CUDA backend): exit 2.
expect_cuda "spectrum" spectrum --d 8 --n 16 --trials 4

# A missing output directory is refused before any work.
"$RMTMC" spectrum --d 8 --n 16 --trials 4 --json "$work/nodir/x.json" >/dev/null 2>"$work/stderr"
rc=$?
if [ $rc -eq 2 ] && grep -q "does not exist" "$work/stderr"; then
  echo "ok    unwritable --json path: $(cat "$work/stderr")"
  pass=$((pass + 1))
else
  echo "FAIL  unwritable --json path: rc=$rc $(cat "$work/stderr")"
  fail=$((fail + 1))
fi

finish
