#!/usr/bin/env bash
# run_cases.sh BIN OUTDIR [THREADS BATCH]: run every golden case (cases.sh)
# on the CPU into OUTDIR; with THREADS and BATCH, every Monte Carlo case also
# gets --threads THREADS --batch BATCH (BATCH 0: the automatic batch).
# Environment (tests/mpi_cli.sh): GOLDEN_ONLY="name ..." runs only those
# cases; GOLDEN_LAUNCH="mpirun -np 2 ..." starts each case through that
# launcher (words split on spaces).
# Exit 1 when a case fails to run.
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
OUT=$2
THREADS=${3:-}
BATCH=${4:-0}
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cases.sh
. "$here/cases.sh"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cd "$here/inputs" || exit 1
rc=0
# shellcheck disable=SC2206
launch=(${GOLDEN_LAUNCH:-})
while read -r name kind args; do
  [ -z "$name" ] && continue
  if [ -n "${GOLDEN_ONLY:-}" ] && [[ " $GOLDEN_ONLY " != *" $name "* ]]; then continue; fi
  # shellcheck disable=SC2206
  argv=($args)
  extra=()
  if [ "${argv[0]}" != theory ]; then
    extra+=(--backend cpu --quiet)
    [ -n "$THREADS" ] && extra+=(--threads "$THREADS")
    [ -n "$THREADS" ] && [ "$BATCH" != 0 ] && extra+=(--batch "$BATCH")
  fi
  rm -rf "${OUT:?}/$name" "$OUT/$name.json" "$OUT/$name.trials"
  case $kind in
    json) dest=(--json "$OUT/$name.json") ;;
    dir) dest=(--json "$OUT/$name.json" --out "$OUT/$name") ;;
    sweep) dest=(--out "$OUT/$name") ;;
    trials) dest=(--json "$OUT/$name.json" --save-trials "$OUT/$name.trials") ;;
    *) echo "unknown kind $kind"; exit 2 ;;
  esac
  if ! "${launch[@]}" "$BIN" "${argv[@]}" "${extra[@]}" "${dest[@]}" </dev/null >/dev/null 2>"$OUT/$name.stderr"; then
    echo "case $name failed: $(head -c 300 "$OUT/$name.stderr")"
    rc=1
  fi
  rm -f "$OUT/$name.stderr"
done <<<"$GOLDEN_CASES"
exit $rc
