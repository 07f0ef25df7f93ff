#!/usr/bin/env bash
# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer: builds
# a second tree (build-sanitize/ beside build/, CPU backend only) with
# -DRMTMC_SANITIZE=ON and runs its ctest, gpu tests and the README test
# excluded (see below).  A finding
# aborts the program with exit code 86, which every test treats as a
# failure.  Skips (77) when the compiler cannot sanitize or
# RMTMC_SKIP_SANITIZE=1.  Prints the time it took (what it adds to CI).
#
# Runtime options, kept minimal:
# - ASAN exitcode=86 and UBSAN exitcode=86 (the default 1 is a valid rmtmc
#   exit code: "runtime failure");
# - allocator_may_return_null=1: an impossible malloc returns NULL, as libc's
#   does, so the studies' "out of memory" paths run instead of ASan aborting;
# - hard_rss_limit_mb=6000: a missing memory check cannot take the machine;
# - detect_leaks=1, no suppressions: any leak fails (OpenBLAS 0.3.21 and
#   libgomp of Debian 12 report none at exit; if another version does, add a
#   suppressions file naming only that library).
set -u
SRC=$(cd "$1" && pwd)
BUILD=${RMTMC_SANITIZE_BUILD:-$SRC/build-sanitize}
JOBS=${RMTMC_SANITIZE_JOBS:-2}
if [ "${RMTMC_SKIP_SANITIZE:-0}" = 1 ]; then
  echo "skip: RMTMC_SKIP_SANITIZE=1"
  exit 77
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
echo 'int main(void) { return 0; }' >"$probe/p.c"
if ! ${CC:-cc} -fsanitize=address,undefined "$probe/p.c" -o "$probe/p" 2>/dev/null || ! "$probe/p"; then
  echo "skip: the C compiler cannot build with -fsanitize=address,undefined"
  exit 77
fi
t0=$SECONDS
cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRMTMC_SANITIZE=ON -DRMTMC_ENABLE_CUDA=OFF -DRMTMC_ENABLE_MPI=OFF \
  >"$probe/configure.log" 2>&1 || { cat "$probe/configure.log"; exit 1; }
cmake --build "$BUILD" -j "$JOBS" >"$probe/build.log" 2>&1 || { tail -50 "$probe/build.log"; exit 1; }
t1=$SECONDS
export ASAN_OPTIONS="exitcode=86:allocator_may_return_null=1:hard_rss_limit_mb=6000:detect_leaks=1:abort_on_error=0"
export UBSAN_OPTIONS="exitcode=86:print_stacktrace=1:halt_on_error=1"
export RMTMC_TEST_NO_AS_LIMIT=1 # fuzz_cli, limits_cli: ASan reserves terabytes of address space; hard_rss_limit_mb bounds it instead
# test_readme_cli is left out here: it runs the README's full-size examples
# (d = 1000, 100 trials; d = 400 sweeps), several minutes under ASan, and
# every code path it takes is also taken by the other CLI tests at small sizes.
# The packaging tests (label install: cmake --install and examples built
# against it; label python: pip install into a virtual environment) check
# how the library is installed, not its code, and their builds outside this
# tree would link against unsanitized objects: left out too.  MPI is
# configured off here (OpenMPI's own allocations at exit are not ours), so
# the mpi tests skip.
ctest --test-dir "$BUILD" -LE 'gpu|sanitize|install|python' -E '^test_readme_cli$' -j "$JOBS" --output-on-failure
rc=$?
echo "sanitizer suite: build $((t1 - t0)) s, tests $((SECONDS - t1)) s, total $((SECONDS - t0)) s (exit $rc)"
exit $rc
