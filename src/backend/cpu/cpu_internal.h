/* cpu_internal.h: what the CPU backend's files share (cpu_backend.c holds
 * the table and the dense spectrum method, cpu_fit.c the linear-model
 * fits). */
#ifndef RMTMC_CPU_INTERNAL_H
#define RMTMC_CPU_INTERNAL_H

#include <stdint.h>

#include "backend/backend_impl.h"

typedef struct cpu_impl {
  int threads;
  rmtmc_backend_debug *debug; /* the test hooks (backend_check_info) */
  int blas_threads;           /* OpenBLAS's thread count before open, restored at close */
  const char *solver;         /* the eigensolver of the last work planned
                                 (limits, alloc), which cpu_info reports */
} cpu_impl;

/* The fit method's table (cpu_fit.c). */
extern const rmtmc_method_ops cpu_fit_method;

#endif
