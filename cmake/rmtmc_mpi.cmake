# rmtmc_mpi.cmake: MPI for the run driver's ranks (include/rmtmc_comm.h).
# Found with CMake's FindMPI (C bindings only); when found, src/engine/mpi.c
# is compiled with RMTMC_HAVE_MPI and the library links MPI.  Without MPI
# (or with -DRMTMC_ENABLE_MPI=OFF) everything builds, a study runs as one
# process, and the mpi tests skip.  RMTMC_MPIEXEC: the launcher the tests
# use (MPIEXEC_EXECUTABLE; empty when none was found).
set(RMTMC_MPI_SUMMARY "off")
set(RMTMC_MPIEXEC "")
set(RMTMC_HAVE_MPI 0)
if(RMTMC_ENABLE_MPI)
  find_package(MPI COMPONENTS C QUIET)
  if(MPI_C_FOUND)
    target_link_libraries(rmtmc_obj PRIVATE MPI::MPI_C)
    list(APPEND RMTMC_LINK_DEPS MPI::MPI_C)
    set(RMTMC_HAVE_MPI 1)
    set_source_files_properties(${PROJECT_SOURCE_DIR}/src/engine/mpi.c PROPERTIES COMPILE_DEFINITIONS RMTMC_HAVE_MPI=1)
    if(MPIEXEC_EXECUTABLE)
      set(RMTMC_MPIEXEC ${MPIEXEC_EXECUTABLE})
    endif()
    set(RMTMC_MPI_SUMMARY "on (MPI ${MPI_C_VERSION}, ${MPIEXEC_EXECUTABLE})")
  else()
    set(RMTMC_MPI_SUMMARY "off (no MPI library found: install libopenmpi-dev, scripts/deps.sh)")
  endif()
endif()
