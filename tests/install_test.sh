#!/usr/bin/env bash
# install_test.sh BIN BUILD SRC CMAKE: the installed library (docs/api.md).
# `cmake --install` (and --component static) into a fresh prefix installs
# librmtmc, the public headers under include/rmtmc/ (each compiles on its
# own; no internal header), the CMake package and the pkg-config files;
# examples/spectrum_mz is built against that prefix four ways (CMake package
# shared and static, pkg-config shared and static), runs, prints m(z) with
# the CLI's numbers, and reports bad input with the library's message.
set -u
# shellcheck source=support/cli_lib.sh
. "$(dirname "$0")/support/cli_lib.sh" "$1"
BUILD=$2 SRC=$3 CMAKE=$4
P=$work/prefix

if "$CMAKE" --install "$BUILD" --prefix "$P" >"$work/install.log" 2>&1 &&
   "$CMAKE" --install "$BUILD" --prefix "$P" --component static >>"$work/install.log" 2>&1; then
  ok "cmake --install and --component static into a fresh prefix"
else
  bad "cmake --install: $(tail -5 "$work/install.log")"
fi
for f in lib/librmtmc.so lib/librmtmc.a include/rmtmc/rmtmc.h include/rmtmc/rmtmc_study.h \
         include/rmtmc/rmtmc_version.h lib/cmake/rmtmc/rmtmcConfig.cmake lib/cmake/rmtmc/rmtmcConfigVersion.cmake \
         lib/cmake/rmtmc/rmtmc-targets.cmake lib/cmake/rmtmc/rmtmc-static-targets.cmake \
         lib/pkgconfig/rmtmc.pc lib/pkgconfig/rmtmc-static.pc bin/rmtmc; do
  [ -e "$P/$f" ] || bad "not installed: $f"
done
[ -e "$P/lib/librmtmc.so" ] && ok "library, headers, CMake package, pkg-config files and the CLI installed"
for h in rmtmc_accum.h rmtmc_rng.h; do
  [ -e "$P/include/rmtmc/$h" ] && bad "internal header installed: $h" || ok "internal header $h not installed"
done
n=0 nbad=0
for h in "$P"/include/rmtmc/*.h; do
  n=$((n + 1))
  printf '#include <rmtmc/%s>\n#include <rmtmc/%s>\nint main(void) { return 0; }\n' "${h##*/}" "${h##*/}" \
    >"$work/h.c"
  cc -std=c11 -Wall -Werror -I"$P/include" -c "$work/h.c" -o "$work/h.o" 2>"$work/h.err" ||
    { nbad=$((nbad + 1)); bad "${h##*/} does not compile alone: $(head -3 "$work/h.err")"; }
done
[ $nbad -eq 0 ] && ok "each of the $n installed headers compiles alone (twice, C11, -Wall -Werror)"
# only the rmtmc_ prefix is exported by the shared library
others=$(nm -D --defined-only "$P/lib/librmtmc.so" | awk 'NF == 3 && $2 ~ /[TDBR]/ {print $3}' | grep -vc '^rmtmc_')
[ "$others" -eq 0 ] && ok "librmtmc.so exports only rmtmc_* symbols" || bad "librmtmc.so exports $others other symbols"

# the reference: the CLI's m(z) for the example's defaults
"$RMTMC" spectrum --d 200 --n 400 --trials 64 --z=-1,4.5,1+0.2i --quiet --json "$work/cli.json" 2>/dev/null
python3 - "$work/cli.json" >"$work/want.txt" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["stieltjes"]:
    print("%.10f%+.10fi" % (r["empirical"]["re"], r["empirical"]["im"]), "%.10f%+.10fi" % (r["theory"]["re"], r["theory"]["im"]))
PY

check_run() { # WHAT EXE
  local what=$1 exe=$2
  if ! "$exe" >"$work/run.out" 2>"$work/run.err"; then
    bad "$what: spectrum_mz failed: $(head -3 "$work/run.err")"
    return
  fi
  awk 'NF == 5 && $1 ~ /i$/ {print $2, $5}' "$work/run.out" >"$work/got.txt"
  if [ -s "$work/got.txt" ] && cmp -s "$work/got.txt" "$work/want.txt"; then
    ok "$what: spectrum_mz prints m(z) and theory, the CLI's numbers ($(wc -l <"$work/got.txt") points)"
  else
    bad "$what: m(z) differs from the CLI: $(head -3 "$work/got.txt") vs $(head -3 "$work/want.txt")"
  fi
}

for kind in shared static; do
  b=$work/cmake_$kind
  flag=OFF
  [ $kind = static ] && flag=ON
  if "$CMAKE" -S "$SRC/examples" -B "$b" -DCMAKE_PREFIX_PATH="$P" -DRMTMC_EXAMPLE_STATIC=$flag \
       >"$work/cfg.log" 2>&1 && "$CMAKE" --build "$b" >"$work/build.log" 2>&1; then
    check_run "CMake package ($kind, rmtmc::rmtmc$([ $kind = static ] && echo _static))" "$b/spectrum_mz"
  else
    bad "CMake package ($kind): $(tail -5 "$work/cfg.log" "$work/build.log")"
  fi
  mkdir -p "$work/pc_$kind"
  st=""
  [ $kind = static ] && st=1
  if PKG_CONFIG_PATH="$P/lib/pkgconfig" make -s -C "$SRC/examples" OUT="$work/pc_$kind" STATIC=$st \
       >"$work/make.log" 2>&1; then
    exe=$(ls "$work/pc_$kind"/spectrum_mz*)
    check_run "pkg-config ($kind)" "$exe"
  else
    bad "pkg-config ($kind): $(tail -5 "$work/make.log")"
  fi
done
if ldd "$work/cmake_shared/spectrum_mz" 2>/dev/null | grep -q "$P/lib/librmtmc.so" &&
   ! ldd "$work/cmake_static/spectrum_mz" 2>/dev/null | grep -q librmtmc; then
  ok "the shared builds load the installed librmtmc.so, the static ones contain the library"
else
  bad "shared/static linkage: $(ldd "$work/cmake_shared/spectrum_mz" 2>&1 | grep rmtmc)"
fi

# bad input: the library's message, exit 2, nothing printed by the library
"$work/cmake_shared/spectrum_mz" d=0 >"$work/o" 2>"$work/e"
rc=$?
[ $rc -eq 2 ] && grep -q -- "--d must be >= 1" "$work/e" && ok "bad input: exit 2, $(cat "$work/e")" ||
  bad "bad input: rc=$rc $(cat "$work/e")"
finish
