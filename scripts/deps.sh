#!/usr/bin/env bash
# Install the Debian packages rmtmc needs when they are missing (idempotent).
# Build: cmake, a C compiler, OpenBLAS, LAPACKE.  Tests: python3 (JSON checks).
# Pictures: gnuplot-nox.  MPI ranks (docs/cluster.md): Open MPI (libopenmpi-dev
# for the build, openmpi-bin for mpirun; without them rmtmc runs as one process).  The CUDA toolkit is used when nvcc is on PATH or in
# /usr/local/cuda/bin; it is not installed here.
set -eu
pkgs="cmake gcc make libopenblas-dev liblapacke-dev python3 gnuplot-nox libopenmpi-dev openmpi-bin"
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
