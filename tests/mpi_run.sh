#!/usr/bin/env bash
# mpi_run.sh NP PROGRAM [ARGS...]: run PROGRAM on NP MPI ranks through the
# launcher that tests/mpi_lib.sh finds; exit 77 (ctest's skip) without one.
set -u
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=mpi_lib.sh
. "$here/mpi_lib.sh"
np=$1
shift
mpi_find_launcher || { echo "no MPI launcher (mpiexec / mpirun): skipping"; exit 77; }
exec "${MPI_LAUNCH[@]}" -n "$np" "$@" </dev/null
