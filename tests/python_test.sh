#!/usr/bin/env bash
# python_test.sh BIN BUILD SRC: the Python package (README, section Python).
# `pip install .` of SRC into the virtual environment BUILD/pyenv that
# scripts/deps.sh made (numpy, pytest, matplotlib, scikit-build-core from
# PyPI), with scikit-build-core's build tree in BUILD/skbuild, then pytest on
# python/tests with BIN as the command line the results are compared with.
# Skips (77) without BUILD/pyenv (a build not set up by scripts/deps.sh).
# The CUDA backend is left out of this build for time (RMTMC_PY_CUDA=ON puts
# it in); the package's Python code is the same either way.
set -u
BIN=$1 BUILD=$2 SRC=$3
PY=$BUILD/pyenv/bin/python
if [ ! -x "$PY" ]; then # scripts/deps.sh makes it (and fails when it cannot)
  echo "skip  no $BUILD/pyenv: run scripts/deps.sh to make the Python test environment"
  exit 77
fi
log=$BUILD/python_install.log
if ! "$PY" -m pip install --no-build-isolation --no-deps --force-reinstall -q \
     -Cbuild-dir="$BUILD/skbuild" -Ccmake.define.RMTMC_ENABLE_CUDA="${RMTMC_PY_CUDA:-OFF}" "$SRC" >"$log" 2>&1; then
  tail -30 "$log"
  echo "FAIL  pip install . (log: $log)"
  exit 1
fi
echo "ok    pip install . into $BUILD/pyenv"
cd "$SRC" && RMTMC_CLI=$BIN MPLBACKEND=Agg "$PY" -m pytest -q -p no:cacheprovider python/tests
