/* blas.h: the host's BLAS / LAPACK (private to the library). */
#ifndef RMTMC_CORE_BLAS_H
#define RMTMC_CORE_BLAS_H

/* Every host-side BLAS / LAPACK call of the library runs on one BLAS
 * thread: OpenBLAS gives other last bits with another thread count, so a
 * threaded call would make Sigma's eigendecomposition (and every number
 * after it) depend on the machine's cores, on the CPUs an MPI launcher
 * binds a rank to, and on what ran before.  The CPU backend parallelises
 * over trials instead.  Call before such calls (cheap). */
void rmtmc_blas_serial(void);

#endif
