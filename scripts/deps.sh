#!/usr/bin/env bash
# Install what rmtmc needs when it is missing (idempotent).
# Debian packages.  Build: cmake, a C compiler, OpenBLAS, LAPACKE.  Tests:
# python3 (JSON checks), pkg-config (the installed library's test), the
# Python headers and venv (the Python package).  Pictures: gnuplot-nox.  MPI
# ranks (docs/cluster.md): Open MPI (libopenmpi-dev for the build,
# openmpi-bin for mpirun; without them rmtmc runs as one process).  The
# CUDA toolkit is used when nvcc is on PATH or in /usr/local/cuda/bin; it is
# not installed here.
# Python packages (PyPI, into the virtual environment build/pyenv, not the
# system Python): numpy, pytest, matplotlib, tqdm and scikit-build-core, for the
# Python package's tests (tests/python_test.sh).  RMTMC_NO_PYTHON=1 skips
# them (the test test_python then skips, saying so).
set -eu
cd "$(dirname "$0")/.."
pkgs="cmake gcc g++ make pkg-config libopenblas-dev liblapacke-dev python3 python3-dev python3-venv gnuplot-nox libopenmpi-dev openmpi-bin"
missing=""
for p in $pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "rmtmc: installing missing packages:$missing"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

[ "${RMTMC_NO_PYTHON:-0}" = 1 ] && exit 0
venv=build/pyenv
want="numpy pytest matplotlib tqdm scikit-build-core"
if ! "$venv/bin/python" -c "import numpy, pytest, matplotlib, tqdm, scikit_build_core" >/dev/null 2>&1; then
  echo "rmtmc: making the Python test environment $venv ($want from PyPI)"
  mkdir -p build
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q --disable-pip-version-check $want
fi
