# mpi_lib.sh: the MPI launcher for the mpi tests (sourced).  mpi_find_launcher
# sets MPI_LAUNCH (an array: the launcher and its flags) and returns 1 when
# there is none.  The launcher: $RMTMC_MPIEXEC (CMake's MPIEXEC_EXECUTABLE,
# passed by tests/CMakeLists.txt), else mpiexec or mpirun on PATH.  Open
# MPI gets --oversubscribe (more ranks than the 2 cores of a CI machine) and,
# run as root (CI), --allow-run-as-root; its shared-memory transport falls
# back to copying where the machine forbids cross-process reads (containers).
mpi_find_launcher() {
  local exe=${RMTMC_MPIEXEC:-}
  [ -n "$exe" ] && [ -x "$exe" ] || exe=$(command -v mpiexec || command -v mpirun || true)
  [ -n "$exe" ] || return 1
  MPI_LAUNCH=("$exe")
  if "$exe" --version 2>/dev/null | grep -Eq "Open MPI|OpenRTE"; then
    MPI_LAUNCH+=(--oversubscribe)
    [ "$(id -u)" -eq 0 ] && MPI_LAUNCH+=(--allow-run-as-root)
    export OMPI_MCA_btl_vader_single_copy_mechanism=${OMPI_MCA_btl_vader_single_copy_mechanism:-none}
  fi
  return 0
}
