# cli_lib.sh: what the command-line test scripts share.  Source it with the
# rmtmc binary as its argument:  . "$(dirname "$0")/support/cli_lib.sh" "$1"
# It sets RMTMC and a work directory removed at exit, and defines the
# counters ok / bad / skip, expect_bad and finish.
RMTMC=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pass=0 fail=0
ok() { echo "ok    $1"; pass=$((pass + 1)); }
bad() { echo "FAIL  $1"; fail=$((fail + 1)); }
skip() { echo "skip  $1"; }

# expect_bad WHAT WANT COMMAND ARGS...: the command (with --json
# $work/out.json --out $work/outdir after its command words) exits 2 with
# WANT in its stderr (case-insensitive) and leaves no output and no
# temporary file in $work.
expect_bad() {
  local what=$1 want=$2
  shift 2
  rm -rf "$work/out.json" "$work/outdir"
  local words=1
  [ "$1" = generative ] && [ $# -ge 2 ] && words=2
  "$RMTMC" "${@:1:$words}" --json "$work/out.json" --out "$work/outdir" "${@:$((words + 1))}" \
    >"$work/stdout" 2>"$work/stderr"
  local rc=$?
  local msg
  msg=$(head -c 400 "$work/stderr")
  if [ $rc -eq 2 ] && grep -qi -- "$want" "$work/stderr" && [ ! -e "$work/out.json" ] && [ ! -e "$work/outdir" ] &&
     [ "$(ls "$work" | grep -c tmp)" -eq 0 ]; then
    ok "$what: $msg"
  else
    bad "$what: rc=$rc stderr='$msg' (wanted exit 2 and '$want', no output)"
  fi
}

# expect_cuda WHAT ARGS...: the study with --backend cuda either runs on the
# GPU (a device is present: the JSON says cuda) or exits 2 naming cuda
# without writing its --json.
expect_cuda() {
  local what=$1
  shift
  rm -f "$work/out.json"
  "$RMTMC" "$@" --backend cuda --json "$work/out.json" >/dev/null 2>"$work/stderr"
  local rc=$?
  if [ $rc -eq 0 ] && [ -e "$work/out.json" ] &&
     python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['backend']['name']=='cuda'" "$work/out.json"; then
    ok "$what --backend cuda: a device is present, the study ran on it"
  elif [ $rc -eq 2 ] && grep -qi "cuda" "$work/stderr" && [ ! -e "$work/out.json" ]; then
    ok "$what --backend cuda without a device: $(head -c 200 "$work/stderr")"
  else
    bad "$what --backend cuda: rc=$rc $(head -c 300 "$work/stderr")"
  fi
}

finish() {
  echo "$pass passed, $fail failed"
  [ $fail -eq 0 ]
}
